import { computed, onBeforeUnmount, watch } from 'vue'
import type { WalletCard } from '../api/client.js'
import { isApiError } from '../api/errors.js'
import { useFeedbackStore } from '../stores/feedback.js'
import { usePerksStore } from '../stores/perks.js'
import { useOnline, usePageVisible } from './use-online.js'

const POLL_MS = 60_000

/**
 * The card's feedback state, kept fresh: asked when the card opens, after each visit (the balance
 * or the stamps change: an award or a stamp at the till) and once a minute while the card is visible
 * (a reply, a survey). Several parts of the card call it; the store sends one request.
 */
export function useCardFeedback(card: () => WalletCard) {
  const store = useFeedbackStore()
  const perks = usePerksStore()
  const online = useOnline()
  const visible = usePageVisible()
  const state = computed(() => store.byCard[card().id])
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false

  async function poll(force = false) {
    clearTimeout(timer)
    if (stopped || !online.value || !visible.value) return
    try {
      await store.refresh(card().id, force)
    } catch (e) {
      // Without a session (or with the card gone) there is nothing to ask; the card says why.
      if (isApiError(e, 'unauthenticated') || isApiError(e, 'card_not_found')) return
    }
    if (!stopped) timer = setTimeout(poll, POLL_MS)
  }
  watch(
    [online, visible, () => card().id, () => card().balance, () => perks.byCard[card().id]?.stamps?.filled],
    (_, before) => void poll(before !== undefined),
    { immediate: true },
  )
  onBeforeUnmount(() => {
    stopped = true
    clearTimeout(timer)
  })
  return { state, store }
}
