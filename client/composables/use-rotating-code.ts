import { computed, onScopeDispose, ref, watch, type Ref } from 'vue'
import { TOTP_PERIOD_SECONDS, formatShortCode, qrPayload } from '../../server/contract/card-code.js'
import type { WalletCard } from '../api/client.js'
import { cardKey } from '../lib/card-keys.js'
import { totpAt } from '../lib/totp.js'
import { useWalletStore } from '../stores/wallet.js'
import { usePageVisible } from './use-online.js'

export interface RotatingCode {
  /** Text for the QR code: LW1:<card number>:<6 digits>. */
  payload: Ref<string | null>
  /** "ABCD 2345 · 123 456" for typing at the till. */
  shortCode: Ref<string | null>
  totp: Ref<string | null>
  /** Whole seconds until the next code. */
  secondsLeft: Ref<number>
  period: Ref<number>
}

/**
 * The card's rotating code, computed on the device (RFC 6238, SHA-1, 6 digits) with the card's key
 * (a non-extractable WebCrypto key in IndexedDB, lib/card-keys.ts), so it works offline. Ticks once
 * a second while the page is visible; the code itself is recomputed only when the time step changes
 * or the card's key does.
 */
export function useRotatingCode(
  card: Ref<WalletCard | null | undefined>,
  /** The card's key: the wallet's stored one; the owner's practice card (no wallet, no id) brings its own. */
  keyOf: (card: WalletCard) => Promise<CryptoKey | null> = (c) => cardKey(c.id),
): RotatingCode {
  const now = ref(Date.now())
  const visible = usePageVisible()

  const period = computed(() => card.value?.totpPeriod || TOTP_PERIOD_SECONDS)
  const wallet = useWalletStore()
  const step = computed(() => Math.floor(now.value / 1000 / period.value))
  const totp = ref<string | null>(null)
  // Async (WebCrypto): the latest of overlapping computations wins, an older one is dropped.
  let asked = 0
  watch(
    [
      () => card.value?.id ?? card.value?.cardNumber,
      () => (card.value?.id ? wallet.keyVersion[card.value.id] : 0),
      step,
      period,
    ],
    async ([which, , s, p], old) => {
      const mine = ++asked
      if (old?.[0] !== which) totp.value = null // another card: never its predecessor's code
      const key = card.value ? await keyOf(card.value) : null
      const code = key ? await totpAt(key, s * p * 1000, p) : null
      if (mine === asked) totp.value = code
    },
    { immediate: true },
  )
  const payload = computed(() => (card.value && totp.value ? qrPayload(card.value.cardNumber, totp.value) : null))
  const shortCode = computed(() =>
    card.value && totp.value ? formatShortCode(card.value.cardNumber, totp.value) : null,
  )
  const secondsLeft = computed(() => {
    const elapsed = (now.value / 1000) % period.value
    return Math.max(1, Math.ceil(period.value - elapsed))
  })

  let timer: ReturnType<typeof setTimeout> | undefined
  function schedule() {
    clearTimeout(timer)
    now.value = Date.now()
    if (!visible.value) return
    // Wake just after the next whole second so the countdown and the step change line up.
    timer = setTimeout(schedule, 1000 - (now.value % 1000) + 15)
  }
  watch(visible, schedule, { immediate: true })
  onScopeDispose(() => clearTimeout(timer))

  return { payload, shortCode, totp, secondsLeft, period }
}
