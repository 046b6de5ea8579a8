import { computed, ref } from 'vue'

const deferred = ref<BeforeInstallPromptEvent | null>(null)
const installed = ref(false)

function isStandalone(): boolean {
  return window.matchMedia?.('(display-mode: standalone)').matches || navigator.standalone === true
}

/** Called once at start-up: Chromium fires beforeinstallprompt early, before any view mounts. */
export function captureInstallPrompt(): void {
  installed.value = isStandalone()
  window.addEventListener('beforeinstallprompt', (e) => {
    e.preventDefault()
    deferred.value = e
  })
  window.addEventListener('appinstalled', () => {
    deferred.value = null
    installed.value = true
  })
}

export function useInstallPrompt() {
  const canInstall = computed(() => deferred.value !== null && !installed.value)
  /** iOS Safari has no install prompt: the user adds the app from the Share menu. */
  const showIosHint = computed(() => {
    if (installed.value) return false
    const ua = navigator.userAgent
    const iOS = /iPad|iPhone|iPod/.test(ua) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1)
    const safari = /Safari/.test(ua) && !/CriOS|FxiOS|EdgiOS|OPiOS/.test(ua)
    return iOS && safari
  })

  async function install(): Promise<boolean> {
    const e = deferred.value
    if (!e) return false
    deferred.value = null
    await e.prompt()
    const choice = await e.userChoice
    if (choice.outcome === 'accepted') installed.value = true
    return choice.outcome === 'accepted'
  }

  return { canInstall, showIosHint, installed: computed(() => installed.value), install }
}
