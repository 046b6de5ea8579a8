import { readonly, ref } from 'vue'
import { api } from '../api/client.js'

/** What turning notifications on can end in; each has its own message in the UI. */
export type PushOutcome = 'unsupported' | 'denied' | 'needs-install' | 'subscribed' | 'failed'
export type PushState = PushOutcome | 'unknown' | 'off' | 'working'

const isIos = () =>
  /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1)
const isStandalone = () =>
  window.matchMedia?.('(display-mode: standalone)').matches ||
  (navigator as Navigator & { standalone?: boolean }).standalone === true

/** Whether this browser can subscribe here; iOS only allows push from the Home Screen app. */
export function pushSupport(): 'supported' | 'unsupported' | 'needs-install' {
  if (isIos() && !isStandalone()) return 'needs-install'
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return 'unsupported'
  return 'supported'
}

export function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4)
  const raw = atob(b64)
  const out = new Uint8Array(new ArrayBuffer(raw.length))
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i)
  return out
}

export async function registration(): Promise<ServiceWorkerRegistration> {
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error('service worker not ready')), 10_000),
  )
  return Promise.race([navigator.serviceWorker.ready, timeout])
}

// One state for the app: the card and the settings page show the same thing.
const state = ref<PushState>('unknown')
const detail = ref<string | null>(null)

/**
 * The device's push subscription. `enable()` must run from a user gesture (a button the member
 * pressed after reading what they will get); nothing here asks for permission on its own.
 */
export function usePushSubscription() {
  async function refresh(): Promise<PushState> {
    const support = pushSupport()
    if (support !== 'supported') return (state.value = support)
    if (Notification.permission === 'denied') return (state.value = 'denied')
    // Without the permission no subscription counts: known at once, so the card's prompt is in its first paint.
    if (Notification.permission !== 'granted') return (state.value = 'off')
    try {
      const reg = await navigator.serviceWorker.getRegistration()
      const sub = await reg?.pushManager.getSubscription()
      state.value = sub && Notification.permission === 'granted' ? 'subscribed' : 'off'
    } catch {
      state.value = 'off'
    }
    return state.value
  }

  async function enable(): Promise<PushOutcome> {
    const support = pushSupport()
    if (support !== 'supported') return (state.value = support)
    state.value = 'working'
    detail.value = null
    try {
      // First thing in the click handler, so the browser sees the gesture.
      const permission = await Notification.requestPermission()
      if (permission !== 'granted') return (state.value = 'denied')
      const [reg, { publicKey }] = await Promise.all([registration(), api.pushPublicKey()])
      const existing = await reg.pushManager.getSubscription()
      const sub =
        existing ??
        (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }))
      await api.pushSubscribe(sub.toJSON())
      return (state.value = 'subscribed')
    } catch (e) {
      detail.value = e instanceof Error ? e.message : String(e)
      return (state.value = 'failed')
    }
  }

  /** Switches this device off: the server forgets it, then the browser drops the subscription. */
  async function disable(): Promise<void> {
    state.value = 'working'
    try {
      const reg = await navigator.serviceWorker.getRegistration()
      const sub = await reg?.pushManager.getSubscription()
      if (sub) {
        await api.pushUnsubscribe(sub.endpoint).catch(() => undefined)
        await sub.unsubscribe()
      }
      state.value = 'off'
    } catch (e) {
      detail.value = e instanceof Error ? e.message : String(e)
      state.value = 'failed'
    }
  }

  return { state: readonly(state), detail: readonly(detail), refresh, enable, disable }
}

/** For sign-out (wallet switch): drop this device's subscription so the next wallet starts clean. */
export async function removePushSubscription(): Promise<void> {
  if (pushSupport() !== 'supported') return
  await usePushSubscription().disable()
}
