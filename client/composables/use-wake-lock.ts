import { onScopeDispose, watch } from 'vue'
import { usePageVisible } from './use-online.js'

/**
 * Keeps the screen on while a card code is shown, so it does not dim at the till.
 * The lock is dropped by the browser when the page hides, so it is taken again on return.
 */
export function useWakeLock(): void {
  if (!('wakeLock' in navigator)) return
  const visible = usePageVisible()
  let lock: WakeLockSentinel | null = null
  let disposed = false

  async function acquire() {
    if (disposed || lock || !visible.value) return
    try {
      lock = await navigator.wakeLock.request('screen')
      lock.addEventListener('release', () => (lock = null))
      if (disposed) void release()
    } catch {
      // Not allowed (battery saver, iframe): the code still works.
    }
  }
  async function release() {
    const l = lock
    lock = null
    await l?.release().catch(() => undefined)
  }

  watch(visible, (v) => (v ? acquire() : release()), { immediate: true })
  onScopeDispose(() => {
    disposed = true
    void release()
  })
}
