import { defineStore } from 'pinia'
import { ref } from 'vue'
import { feedbackApi, type CardFeedback } from '../api/feedback.js'
import { useWalletStore } from './wallet.js'

/** A card is asked again at most this often, however many parts of the card watch it. */
const MIN_GAP_MS = 2000

/**
 * What each card asks of the member (a visit question, a survey) and the replies to read. Not
 * persisted: there is nothing to answer offline. Every part of the card shares one request.
 */
export const useFeedbackStore = defineStore('feedback', () => {
  const byCard = ref<Record<string, CardFeedback>>({})
  const requests = new Map<string, Promise<CardFeedback>>()
  const fetched = new Map<string, number>()

  function refresh(cardId: string, force = false): Promise<CardFeedback | undefined> {
    const inflight = requests.get(cardId)
    if (inflight) return inflight
    if (!force && Date.now() - (fetched.get(cardId) ?? 0) < MIN_GAP_MS) return Promise.resolve(byCard.value[cardId])
    const p = feedbackApi
      .forCard(cardId)
      .then((f) => {
        byCard.value = { ...byCard.value, [cardId]: f }
        fetched.set(cardId, Date.now())
        return f
      })
      .finally(() => requests.delete(cardId))
    requests.set(cardId, p)
    return p
  }

  function patch(cardId: string, change: Partial<CardFeedback>) {
    const f = byCard.value[cardId]
    if (f) byCard.value = { ...byCard.value, [cardId]: { ...f, ...change } }
  }

  async function rate(cardId: string, requestId: string, rating: number, comment: string) {
    await feedbackApi.rate(cardId, { requestId, rating, ...(comment.trim() ? { comment: comment.trim() } : {}) })
  }

  /** After the thank-you, the card shows its new balance at once. */
  async function answer(cardId: string, body: Parameters<typeof feedbackApi.answer>[1]) {
    const res = await feedbackApi.answer(cardId, body)
    const wallet = useWalletStore()
    const card = wallet.byId(cardId)
    if (card && res.balance !== null) wallet.upsert({ ...card, balance: res.balance })
    return res
  }

  async function dismiss(cardId: string, requestId: string, what: 'question' | 'survey') {
    patch(cardId, { [what]: null })
    await feedbackApi.dismiss(cardId, requestId)
  }

  async function seen(cardId: string, ids: string[]) {
    patch(cardId, { replies: (byCard.value[cardId]?.replies ?? []).filter((r) => !ids.includes(r.id)) })
    await feedbackApi.seen(cardId, ids)
  }

  return { byCard, refresh, patch, rate, answer, dismiss, seen }
})
