import { ref } from 'vue'

const UPDATE_CHECK_MS = 60 * 60 * 1000

/** A new version has installed and waits (registerType 'prompt'): the toast and the card's prompt slot show it. */
const needRefresh = ref(false)
let update: ((reloadPage?: boolean) => Promise<void>) | null = null
let started = false

/** Registers sw.ts through vite-plugin-pwa's registerSW (workbox-window), at once: the page has loaded. */
async function register(): Promise<void> {
  const { registerSW } = await import('virtual:pwa-register')
  update = registerSW({
    immediate: true,
    onNeedRefresh: () => (needRefresh.value = true),
    onRegisteredSW(_url, registration) {
      if (!registration) return
      setInterval(() => {
        if (registration.installing || !navigator.onLine) return
        registration.update().catch(() => undefined)
      }, UPDATE_CHECK_MS)
    },
  })
}

/** Takes the waiting version: it activates (sw.ts skips waiting on workbox-window's message), then the page reloads on it. */
function updateServiceWorker(): void {
  void update?.(true)
}

/**
 * The service worker's registration and "new version available". A new version waits until the
 * user chooses to reload (never forced, so a cashier mid-award or a customer at the till is not
 * interrupted). workbox-window and the registration load once the page has: they are not in any
 * first screen's JS, and the worker's precache does not compete with the first screen.
 */
export function useAppUpdate() {
  if (!started && 'serviceWorker' in navigator) {
    started = true
    const start = () => void register().catch(() => undefined)
    if (document.readyState === 'complete') start()
    else window.addEventListener('load', start, { once: true })
  }
  return { needRefresh, updateServiceWorker }
}
