import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { api, type JoinRequest, type LedgerEntry, type WalletCard } from '../api/client.js'
import { isApiError } from '../api/errors.js'
import { readJson, writeJson } from '../lib/storage.js'

const STORAGE_KEY = 'lw.wallet.v1'

interface Persisted {
  cards: WalletCard[]
  /** When each card was last confirmed by the server (ISO). */
  fetchedAt: Record<string, string>
  history: Record<string, LedgerEntry[]>
  /** When the list as a whole was last fetched. */
  listFetchedAt: string | null
}

function load(): Persisted {
  const saved = readJson<Partial<Persisted>>(STORAGE_KEY)
  return {
    cards: Array.isArray(saved?.cards) ? saved.cards : [],
    fetchedAt: saved?.fetchedAt ?? {},
    history: saved?.history ?? {},
    listFetchedAt: saved?.listFetchedAt ?? null,
  }
}

/**
 * The customer's cards. Persisted to localStorage so a card and its rotating code show with no
 * network; the server is the source of truth whenever it can be reached.
 */
export const useWalletStore = defineStore('wallet', () => {
  const initial = load()
  const cards = ref<WalletCard[]>(initial.cards)
  const fetchedAt = ref<Record<string, string>>(initial.fetchedAt)
  const history = ref<Record<string, LedgerEntry[]>>(initial.history)
  const listFetchedAt = ref<string | null>(initial.listFetchedAt)
  const loading = ref(false)
  /** True once the server said this device has no customer session. */
  const signedOut = ref(false)

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

  function upsert(card: WalletCard, at = new Date().toISOString()): void {
    const i = cards.value.findIndex((c) => c.id === card.id)
    if (i >= 0) cards.value.splice(i, 1, card)
    else cards.value.push(card)
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
        cards.value = cards.value.filter((c) => ids.has(c.id))
        for (const c of fresh) upsert(c, at)
        for (const id of Object.keys(history.value)) if (!ids.has(id)) delete history.value[id]
        listFetchedAt.value = at
        signedOut.value = false
      } catch (e) {
        // Without a session the saved cards still work at the till: their codes come from the card.
        if (isApiError(e, 'unauthenticated')) signedOut.value = true
        else throw e
      } finally {
        loading.value = false
        inflight = null
      }
    })()
    return inflight
  }

  const cardRequests = new Map<string, Promise<WalletCard>>()
  /** Fetches one card with its history; concurrent calls share one request. */
  function refreshCard(id: string): Promise<WalletCard> {
    let p = cardRequests.get(id)
    if (!p) {
      p = api
        .myCard(id)
        .then(({ card, history: entries }) => {
          upsert(card)
          history.value = { ...history.value, [id]: entries }
          return card
        })
        .finally(() => cardRequests.delete(id))
      cardRequests.set(id, p)
    }
    return p
  }

  async function join(body: JoinRequest): Promise<{ card: WalletCard; alreadyMember: boolean }> {
    const res = await api.join(body)
    upsert(res.card)
    signedOut.value = false
    return res
  }

  watch(
    [cards, fetchedAt, history, listFetchedAt],
    () =>
      writeJson(STORAGE_KEY, {
        cards: cards.value,
        fetchedAt: fetchedAt.value,
        history: history.value,
        listFetchedAt: listFetchedAt.value,
      } satisfies Persisted),
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
      listFetchedAt.value = next.listFetchedAt
    })
  }

  return {
    cards,
    sorted,
    fetchedAt,
    history,
    listFetchedAt,
    loading,
    signedOut,
    byId,
    byMerchant,
    upsert,
    refresh,
    refreshCard,
    join,
  }
})
