import { ref } from 'vue'

const UPDATE_CHECK_MS = 60 * 60 * 1000

/** A new version has installed and waits (registerType 'prompt'): the toast and the card's prompt slot show it. */
const needRefresh = ref(false)
let waiting: ServiceWorker | null = null
let started = false

/** Installed while a page is controlled: a new version (the first install is only "ready offline", not shown). */
function offer(worker: ServiceWorker | null): void {
  if (!worker || !navigator.serviceWorker.controller) return
  waiting = worker
  needRefresh.value = true
}

async function register(): Promise<void> {
  try {
    const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' })
    offer(registration.waiting)
    registration.addEventListener('updatefound', () => {
      const worker = registration.installing
      worker?.addEventListener('statechange', () => {
        if (worker.state === 'installed') offer(worker)
      })
    })
    setInterval(() => {
      if (registration.installing || !navigator.onLine) return
      registration.update().catch(() => undefined)
    }, UPDATE_CHECK_MS)
  } catch {
    // No service worker (a private mode, a browser that refuses it): the app works online all the same.
  }
}

/** Takes the waiting version: it activates (sw.ts skips waiting on this message), then the page reloads on it. */
function updateServiceWorker(): void {
  if (!waiting) return
  navigator.serviceWorker.addEventListener('controllerchange', () => window.location.reload(), { once: true })
  waiting.postMessage({ type: 'SKIP_WAITING' })
}

/**
 * The service worker's registration (sw.ts, built by vite-plugin-pwa) and "new version available".
 * A new version waits until the user chooses to reload (never forced, so a cashier mid-award or a
 * customer at the till is not interrupted). Registered once the page has loaded, so the worker's
 * precache does not compete with the first screen; by hand rather than with workbox-window, which
 * was a request and 2 kB on every first screen for these few lines.
 */
export function useAppUpdate() {
  if (!started && import.meta.env.PROD && 'serviceWorker' in navigator) {
    started = true
    if (document.readyState === 'complete') void register()
    else window.addEventListener('load', () => void register(), { once: true })
  }
  return { needRefresh, updateServiceWorker }
}
