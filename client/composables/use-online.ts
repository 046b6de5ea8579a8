import { readonly, ref } from 'vue'

// One listener pair for the whole app; the refs are shared.
const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine)
const visible = ref(typeof document === 'undefined' ? true : document.visibilityState === 'visible')

if (typeof window !== 'undefined') {
  window.addEventListener('online', () => (online.value = true))
  window.addEventListener('offline', () => (online.value = false))
  document.addEventListener('visibilitychange', () => (visible.value = document.visibilityState === 'visible'))
}

/** navigator.onLine as a ref. "Online" only means a network is there; requests can still fail. */
export function useOnline() {
  return readonly(online)
}

/** Whether the page is visible (not a background tab, not a locked phone). */
export function usePageVisible() {
  return readonly(visible)
}
