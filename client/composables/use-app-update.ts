import { useRegisterSW } from 'virtual:pwa-register/vue'

const UPDATE_CHECK_MS = 60 * 60 * 1000

let state: ReturnType<typeof create> | null = null

/**
 * registerType 'prompt': a new version waits until the user chooses to reload (never forced, so a
 * cashier mid-award or a customer at the till is not interrupted). One registration for the app; the
 * toast region and the card's prompt slot read the same state.
 */
function create() {
  return useRegisterSW({
    onRegisteredSW(_url, registration) {
      if (!registration) return
      setInterval(() => {
        if (registration.installing || !navigator.onLine) return
        registration.update().catch(() => undefined)
      }, UPDATE_CHECK_MS)
    },
  })
}

export function useAppUpdate() {
  state ??= create()
  return state
}
