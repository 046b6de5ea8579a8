import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { api, type JoinRequest, type LedgerEntry, type WalletCard } from '../api/client.js'
import { isApiError } from '../api/errors.js'
import { deleteAllCardKeys, deleteCardKey, forgetCachedKeys, saveCardKey } from '../lib/card-keys.js'
import { readJson, writeJson } from '../lib/storage.js'

const STORAGE_KEY = 'lw.wallet.v1'
/** History kept on the device per card (the rest pages in from the server). */
const HISTORY_KEPT = 200

interface Persisted {
  cards: WalletCard[]
  /** When each card was last confirmed by the server (ISO). */
  fetchedAt: Record<string, string>
  history: Record<string, LedgerEntry[]>
  /** Per card, the `before` of the next older history page; null once the first entry is loaded. */
  historyNext: Record<string, number | null>
  /** When the list as a whole was last fetched. */
  listFetchedAt: string | null
  /** The server said this device's session ended (signed out here or from another device). */
  signedOut: boolean
}

function load(): Persisted {
  const saved = readJson<Partial<Persisted>>(STORAGE_KEY)
  return {
    cards: Array.isArray(saved?.cards) ? saved.cards.map(withoutSecret) : [],
    fetchedAt: saved?.fetchedAt ?? {},
    history: saved?.history ?? {},
    historyNext: saved?.historyNext ?? {},
    listFetchedAt: saved?.listFetchedAt ?? null,
    signedOut: saved?.signedOut === true,
  }
}

/** The card as it is kept: its code secret lives only as a key in IndexedDB (lib/card-keys.ts). */
const withoutSecret = (card: WalletCard): WalletCard => (card.totpSecret ? { ...card, totpSecret: '' } : card)

/**
 * Cards saved by an older version held their secrets in localStorage: each becomes a key, and the
 * cards are written back without them (a secret that cannot be saved as a key is dropped all the
 * same; the card gets its secret again from the server when online).
 */
async function moveSecretsToKeys(): Promise<void> {
  const saved = readJson<Partial<Persisted>>(STORAGE_KEY)
  const cards = Array.isArray(saved?.cards) ? saved.cards : []
  if (!cards.some((c) => c.totpSecret)) return
  for (const c of cards) if (c.totpSecret) await saveCardKey(c.id, c.totpSecret)
  const now = readJson<Partial<Persisted>>(STORAGE_KEY)
  writeJson(STORAGE_KEY, { ...now, cards: (now?.cards ?? []).map(withoutSecret) })
}

/**
 * The customer's cards. Persisted to localStorage (without their code secrets, see lib/card-keys.ts)
 * so a card and its rotating code show with no network; the server is the source of truth whenever
 * it can be reached.
 */
export const useWalletStore = defineStore('wallet', () => {
  const moved = typeof window === 'undefined' ? Promise.resolve() : moveSecretsToKeys().catch(() => undefined)
  const initial = load()
  const cards = ref<WalletCard[]>(initial.cards)
  const fetchedAt = ref<Record<string, string>>(initial.fetchedAt)
  const history = ref<Record<string, LedgerEntry[]>>(initial.history)
  const historyNext = ref<Record<string, number | null>>(initial.historyNext)
  const listFetchedAt = ref<string | null>(initial.listFetchedAt)
  const loading = ref(false)
  /**
   * True once the server said this device has no customer session (kept across reloads). The cards'
   * secrets were rotated when it was signed out, so their codes would open nothing: the card screen
   * says so instead of showing a stale balance and a dead code.
   */
  const signedOut = ref(initial.signedOut)
  /**
   * Per card, bumped when its key is saved or deleted, so the rotating code reads it again
   * (composables/use-rotating-code.ts). 0 until the keys moved from an older version are saved.
   */
  const keyVersion = ref<Record<string, number>>({})
  const bumpKey = (id: string) => (keyVersion.value = { ...keyVersion.value, [id]: (keyVersion.value[id] ?? 0) + 1 })
  void moved.then(() => cards.value.forEach((c) => bumpKey(c.id)))

  function markSignedOut(): void {
    signedOut.value = true
    // The server rotated the secrets: this device's keys open nothing any more.
    void deleteAllCardKeys().then(() => cards.value.forEach((c) => bumpKey(c.id)))
    history.value = {}
    historyNext.value = {}
  }

  /** The card used last (at the till, or joined) first; cards saved before the server said so, by name. */
  const sorted = computed(() =>
    [...cards.value].sort(
      (a, b) =>
        (b.lastUsedAt ?? b.joinedAt).localeCompare(a.lastUsedAt ?? a.joinedAt) ||
        a.merchant.name.localeCompare(b.merchant.name),
    ),
  )

  function byId(id: string): WalletCard | undefined {
    return cards.value.find((c) => c.id === id)
  }

  function byMerchant(slug: string): WalletCard | undefined {
    return cards.value.find((c) => c.merchant.slug === slug)
  }

  /** Keeps a card; a secret it carries (fresh from the server) is turned into its key, never kept as text. */
  function upsert(card: WalletCard, at = new Date().toISOString()): void {
    if (card.totpSecret) void saveCardKey(card.id, card.totpSecret, () => bumpKey(card.id))
    const kept = withoutSecret(card)
    const i = cards.value.findIndex((c) => c.id === card.id)
    if (i >= 0) cards.value.splice(i, 1, kept)
    else cards.value.push(kept)
    fetchedAt.value = { ...fetchedAt.value, [card.id]: at }
  }

  /** Fetches the list. Cards the server no longer returns are dropped; on 401 local cards stay. */
  let inflight: Promise<void> | null = null
  function refresh(): Promise<void> {
    inflight ??= (async () => {
      loading.value = true
      try {
        const { cards: fresh } = await api.myCards()
        const at = new Date().toISOString()
        const ids = new Set(fresh.map((c) => c.id))
        for (const c of cards.value) if (!ids.has(c.id)) void deleteCardKey(c.id)
        cards.value = cards.value.filter((c) => ids.has(c.id))
        for (const c of fresh) upsert(c, at)
        for (const id of Object.keys(history.value)) if (!ids.has(id)) delete history.value[id]
        listFetchedAt.value = at
        signedOut.value = false
      } catch (e) {
        if (isApiError(e, 'unauthenticated')) markSignedOut()
        else throw e
      } finally {
        loading.value = false
        inflight = null
      }
    })()
    return inflight
  }

  const cardRequests = new Map<string, Promise<WalletCard>>()
  /** Fetches one card (with a new code secret, if it was rotated) and its latest history; concurrent calls share one request. */
  function refreshCard(id: string): Promise<WalletCard> {
    let p = cardRequests.get(id)
    if (!p) {
      p = api
        .myCard(id)
        .then(({ card, history: entries, historyNext: next }) => {
          upsert(card)
          signedOut.value = false
          history.value = { ...history.value, [id]: entries }
          historyNext.value = { ...historyNext.value, [id]: next }
          return card
        })
        .catch((e: unknown) => {
          if (isApiError(e, 'unauthenticated')) markSignedOut()
          throw e
        })
        .finally(() => cardRequests.delete(id))
      cardRequests.set(id, p)
    }
    return p
  }

  /** The next older page of a card's history, appended (in posting order, so balances follow on). */
  async function loadMoreHistory(id: string): Promise<void> {
    const before = historyNext.value[id]
    if (before === null || before === undefined) return
    const page = await api.cardHistory(id, before)
    const seen = new Set((history.value[id] ?? []).map((e) => e.id))
    history.value = {
      ...history.value,
      [id]: [...(history.value[id] ?? []), ...page.entries.filter((e) => !seen.has(e.id))],
    }
    historyNext.value = { ...historyNext.value, [id]: page.nextBefore }
  }

  async function join(body: JoinRequest): Promise<{ card: WalletCard; alreadyMember: boolean }> {
    const res = await api.join(body)
    upsert(res.card)
    signedOut.value = false
    return res
  }

  watch(
    [cards, fetchedAt, history, historyNext, listFetchedAt, signedOut],
    () => {
      // A long history stays on the server: the device keeps the newest entries and pages in the rest.
      const kept: Record<string, LedgerEntry[]> = {}
      const next: Record<string, number | null> = { ...historyNext.value }
      for (const [id, list] of Object.entries(history.value)) {
        kept[id] = list.slice(0, HISTORY_KEPT)
        if (list.length > HISTORY_KEPT) next[id] = list[HISTORY_KEPT - 1]!.seq
      }
      writeJson(STORAGE_KEY, {
        cards: cards.value,
        fetchedAt: fetchedAt.value,
        history: kept,
        historyNext: next,
        listFetchedAt: listFetchedAt.value,
        signedOut: signedOut.value,
      } satisfies Persisted)
    },
    { deep: true },
  )

  // Another tab joined or refreshed: take its copy.
  if (typeof window !== 'undefined') {
    window.addEventListener('storage', (e) => {
      if (e.key !== STORAGE_KEY) return
      const next = load()
      cards.value = next.cards
      fetchedAt.value = next.fetchedAt
      history.value = next.history
      historyNext.value = next.historyNext
      listFetchedAt.value = next.listFetchedAt
      signedOut.value = next.signedOut
      void forgetCachedKeys().then(() => next.cards.forEach((c) => bumpKey(c.id)))
    })
  }

  return {
    cards,
    sorted,
    fetchedAt,
    history,
    historyNext,
    listFetchedAt,
    loading,
    signedOut,
    keyVersion,
    byId,
    byMerchant,
    upsert,
    refresh,
    refreshCard,
    loadMoreHistory,
    markSignedOut,
    join,
  }
})
