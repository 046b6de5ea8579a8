import { computed, onMounted, onScopeDispose, reactive, ref } from 'vue'
import { api } from '../api/client.js'
import { ApiError } from '../api/errors.js'
import { newIdempotencyKey } from '../lib/idempotency.js'
import {
  clearDone,
  onQueueChange,
  putItem,
  queueItems,
  readAnswer,
  requestOf,
  SYNC_TAG,
  syncQueue,
  type QueueItem,
  type QueuedAction,
  type SendResult,
} from '../lib/till-queue.js'

const RETRY_MS = 15_000

/** Sends one queued scan through the typed API client and reads the answer. */
async function send(item: QueueItem): Promise<SendResult> {
  try {
    return readAnswer(201, await api.queuedScan(requestOf(item), item.key))
  } catch (e) {
    if (e instanceof ApiError) return readAnswer(e.status, { error: { code: e.code } })
    return readAnswer(0, null)
  }
}

/** Asks the service worker to send the queue when the network returns, even if this page is closed by then. */
async function requestBackgroundSync() {
  try {
    const reg = (await navigator.serviceWorker?.ready) as
      | (ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } })
      | undefined
    await reg?.sync?.register(SYNC_TAG)
  } catch {
    // No Background Sync here: the page sends on open and when it sees the network come back.
  }
}

/**
 * The till's offline queue (lib/till-queue.ts) for the scanner page: the items with their state, adding
 * one, and sending them when the network is there (on open, on `online`, every 15 s while some wait).
 * `onSignedOut` runs when the server says the staff session ended: the queue waits for a new sign-in.
 */
export function useTillQueue(onSignedOut: () => void) {
  const items = ref<QueueItem[]>([])
  const syncing = ref(false)
  const waiting = computed(() => items.value.filter((i) => i.state === 'waiting').length)
  const error = ref<string | null>(null)

  async function reload() {
    try {
      items.value = await queueItems()
      error.value = null
    } catch {
      error.value = 'tillQueue.storageFailed'
    }
  }

  async function sync() {
    if (syncing.value || !navigator.onLine) return
    syncing.value = true
    try {
      const r = await syncQueue(async (item) => {
        const answer = await send(item)
        if (answer.kind === 'stop' && answer.reason === 'unauthenticated') onSignedOut()
        return answer
      })
      if (r === 'stop') void requestBackgroundSync()
    } catch {
      error.value = 'tillQueue.storageFailed'
    } finally {
      syncing.value = false
      await reload()
    }
  }

  /** Records one action for a code the till captured (at `locationId`); resolves once it is safely stored. */
  async function add(
    code: string,
    cardNumber: string,
    capturedAt: string,
    locationId: string | undefined,
    action: QueuedAction,
  ): Promise<QueueItem> {
    const item: QueueItem = {
      key: newIdempotencyKey(),
      code,
      cardNumber,
      capturedAt,
      ...(locationId ? { locationId } : {}),
      action,
      state: 'waiting',
      result: null,
      refusal: null,
      updatedAt: new Date().toISOString(),
    }
    await putItem(item)
    await reload()
    void requestBackgroundSync()
    void sync()
    return item
  }

  async function clear() {
    await clearDone()
    await reload()
  }

  const onOnline = () => void sync()
  const stopListening = onQueueChange(() => void reload())
  const timer = setInterval(() => {
    if (waiting.value > 0) void sync()
  }, RETRY_MS)
  onMounted(async () => {
    window.addEventListener('online', onOnline)
    await reload()
    await sync()
  })
  onScopeDispose(() => {
    window.removeEventListener('online', onOnline)
    stopListening()
    clearInterval(timer)
  })

  return reactive({ items, waiting, syncing, error, add, sync, clear, reload })
}

export type TillQueue = ReturnType<typeof useTillQueue>
