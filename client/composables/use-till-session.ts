import { computed, onScopeDispose, reactive, ref } from 'vue'
import { useRouter } from 'vue-router'
import { parseCardCode } from '../../server/contract/card-code.js'
import { api, type AwardResponse, type LedgerEntry, type ScanResponse } from '../api/client.js'
import { ApiError, errorKey, isApiError } from '../api/errors.js'
import { actionKeys } from '../lib/idempotency.js'
import type { QueueItem, QueuedAction } from '../lib/till-queue.js'
import { useSessionStore } from '../stores/session.js'
import { useTillLocationStore } from '../stores/till-location.js'
import { useTillQueue } from './use-till-queue.js'

/** The server's undo window for an award (server/services/award-points.ts). */
const UNDO_WINDOW_MS = 10 * 60 * 1000

export type TillAction = 'earn' | 'adjust' | 'undo'

/** A card code read while offline: one action for it is queued (a code's step opens the card once). */
export interface OfflineCard {
  code: string
  cardNumber: string
  /** When the code was read: the server checks the code against this moment. */
  capturedAt: string
  /** Where the till stood when it read the code. */
  locationId?: string
}

export interface LastAward {
  kind: TillAction
  entry: LedgerEntry
  balance: number
  cardId: string
}

/**
 * One customer at the till: the card a scan opened (and its short-lived handle), then earn, adjust and
 * undo on that handle. Each user action carries one Idempotency-Key, reused when the same action is
 * retried after a network error or 5xx, so the server replays instead of awarding twice.
 * Errors are i18n keys; a 401 sends the cashier to sign in and back here. With no network, a code
 * that reads as a card is captured (`offlineCard`) and its one award or stamp goes to the offline
 * queue (`queue`), sent when the network returns. Every scan, online or queued, says where the till
 * stands (stores/till-location.ts). The first-run practice card scans like a card; what is awarded on
 * it is shown and never recorded, and it can't be undone. Returns one reactive object (read
 * `till.scan`, call `till.earn(...)`): pass it whole, don't destructure it.
 */
export function useTillSession() {
  const router = useRouter()
  const session = useSessionStore()
  const location = useTillLocationStore()
  const keys = actionKeys()

  const scan = ref<ScanResponse | null>(null)
  const scanning = ref(false)
  const scanError = ref<string | null>(null)
  const lastAward = ref<LastAward | null>(null)
  const actionError = ref<string | null>(null)
  /** Repeats the action that just failed with a retryable error (same key). */
  const retry = ref<(() => void) | null>(null)
  /** The scan handle expired: the card must be scanned again before any action. */
  const expired = ref(false)
  const busy = reactive<Record<TillAction, boolean>>({ earn: false, adjust: false, undo: false })
  const offlineCard = ref<OfflineCard | null>(null)
  /** The last action queued offline, for the "recorded, waiting to sync" confirmation. */
  const lastQueued = ref<QueueItem | null>(null)
  const queue = useTillQueue(() => void sessionEnded())

  const now = ref(Date.now())
  const clock = setInterval(() => (now.value = Date.now()), 10_000)
  onScopeDispose(() => clearInterval(clock))

  /** The first-run practice card is open: awards on it are shown, never recorded. */
  const practice = computed(() => scan.value?.card.practice === true)

  const canUndo = computed(() => {
    const a = lastAward.value
    if (!a || a.kind === 'undo' || practice.value || !scan.value || scan.value.card.cardId !== a.cardId) return false
    return now.value - new Date(a.entry.createdAt).getTime() < UNDO_WINDOW_MS
  })

  /** A 401 mid-shift means the session ended: go to sign-in and come back here after. */
  async function sessionEnded() {
    session.expire()
    await router.replace({ name: 'staff-login', query: { redirect: '/staff/scan' } })
  }
  async function handleStaffError(e: unknown) {
    if (isApiError(e, 'unauthenticated')) await sessionEnded()
  }

  function clearAction() {
    actionError.value = null
    retry.value = null
    expired.value = false
  }

  /** With no network: keeps the code and the moment it was read, for one queued action. */
  function captureOffline(code: string): boolean {
    const parsed = parseCardCode(code)
    if (!parsed) {
      scanError.value = 'tillQueue.codeUnreadable'
      return false
    }
    scan.value = null
    lastAward.value = null
    lastQueued.value = null
    clearAction()
    const where = location.current?.id
    offlineCard.value = {
      code,
      cardNumber: parsed.cardNumber,
      capturedAt: new Date().toISOString(),
      ...(where ? { locationId: where } : {}),
    }
    navigator.vibrate?.(40)
    return true
  }

  /** Opens the card behind a typed or scanned code (or captures it offline); true when it did. */
  async function open(raw: string): Promise<boolean> {
    const value = raw.trim()
    scanError.value = null
    if (!value) {
      scanError.value = 'scan.codeRequired'
      return false
    }
    if (!navigator.onLine) return captureOffline(value)
    scanning.value = true
    try {
      scan.value = await api.scan(value, location.current?.id)
      offlineCard.value = null
      lastQueued.value = null
      clearAction()
      navigator.vibrate?.(40)
      return true
    } catch (e) {
      if (isApiError(e, 'offline') || isApiError(e, 'network_error')) return captureOffline(value)
      await handleStaffError(e)
      scanError.value = errorKey(e)
      return false
    } finally {
      scanning.value = false
    }
  }

  /** Queues the one action for the code captured offline. */
  async function queueAction(action: QueuedAction): Promise<boolean> {
    const c = offlineCard.value
    if (!c || busy.earn) return false
    busy.earn = true
    actionError.value = null
    try {
      lastQueued.value = await queue.add(c.code, c.cardNumber, c.capturedAt, c.locationId, action)
      offlineCard.value = null
      navigator.vibrate?.([30, 40, 30])
      return true
    } catch {
      actionError.value = 'tillQueue.storageFailed'
      return false
    } finally {
      busy.earn = false
    }
  }

  /** A stamp for the code captured offline (online, StampAction adds it on the scan's handle). */
  const queueStamp = () => queueAction({ kind: 'stamp' })

  function applyAward(kind: TillAction, res: AwardResponse) {
    const s = scan.value
    if (!s) return
    s.card.balance = res.balance
    s.card.recent = [
      res.entry,
      ...s.card.recent.map((e) =>
        kind === 'undo' && e.id === res.entry.reversesEntryId ? { ...e, reversed: true } : e,
      ),
    ].slice(0, 5)
    lastAward.value = { kind, entry: res.entry, balance: res.balance, cardId: s.card.cardId }
  }

  async function run(kind: TillAction, body: object, send: (key: string) => Promise<AwardResponse>): Promise<boolean> {
    actionError.value = null
    retry.value = null
    const key = keys.keyFor(kind + JSON.stringify(body))
    busy[kind] = true
    try {
      const res = await send(key)
      keys.settle()
      applyAward(kind, res)
      navigator.vibrate?.([30, 40, 30])
      return true
    } catch (e) {
      keys.settle(e)
      await handleStaffError(e)
      if (isApiError(e, 'handle_expired')) expired.value = true
      actionError.value = errorKey(e)
      if (e instanceof ApiError && e.retryable) retry.value = () => void run(kind, body, send)
      return false
    } finally {
      busy[kind] = false
    }
  }

  /** Points for a purchase; `discountMinor` is the part a coupon or reward paid for (it earns nothing). */
  function earn(amountMinor: number, discountMinor: number): Promise<boolean> {
    if (offlineCard.value) {
      return queueAction(
        discountMinor > 0 ? { kind: 'earn', amountMinor, discountMinor } : { kind: 'earn', amountMinor },
      )
    }
    const s = scan.value
    if (!s || busy.earn) return Promise.resolve(false)
    const body =
      discountMinor > 0 ? { handle: s.handle, amountMinor, discountMinor } : { handle: s.handle, amountMinor }
    return run('earn', body, (key) => api.earn(body, key))
  }

  /** A manual adjustment with a reason (owner and manager). */
  function adjust(points: number, reason: string): Promise<boolean> {
    const s = scan.value
    if (!s || busy.adjust) return Promise.resolve(false)
    const body = { handle: s.handle, points, reason }
    return run('adjust', body, (key) => api.adjust(body, key))
  }

  /** Reverses the last award on this card (within the undo window). */
  async function undo(): Promise<void> {
    const s = scan.value
    const a = lastAward.value
    if (!s || !a || busy.undo) return
    const body = { handle: s.handle, entryId: a.entry.id }
    await run('undo', body, (key) => api.undo(body, key))
  }

  /** Done with this customer: the till is ready for the next code. */
  function next() {
    scan.value = null
    offlineCard.value = null
    lastQueued.value = null
    lastAward.value = null
    scanError.value = null
    clearAction()
  }

  /** The handle expired: close the card so it can be scanned again (the last award stays on show). */
  function rescan() {
    scan.value = null
    expired.value = false
    actionError.value = null
  }

  return reactive({
    scan,
    offlineCard,
    lastQueued,
    queue,
    queueStamp,
    scanning,
    scanError,
    lastAward,
    actionError,
    retry,
    expired,
    busy,
    practice,
    canUndo,
    open,
    earn,
    adjust,
    undo,
    next,
    rescan,
    sessionEnded,
  })
}

export type TillSession = ReturnType<typeof useTillSession>
