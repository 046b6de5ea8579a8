import { ref } from 'vue'

export interface Toast {
  id: number
  message: string
  tone: 'info' | 'success' | 'error'
}

const toasts = ref<Toast[]>([])
let nextId = 1

/** Short, non-blocking messages shown in the app's notification region. */
export function useToasts() {
  function dismiss(id: number) {
    toasts.value = toasts.value.filter((t) => t.id !== id)
  }
  function show(message: string, tone: Toast['tone'] = 'info', ms = 5000): number {
    const id = nextId++
    toasts.value = [...toasts.value.slice(-2), { id, message, tone }]
    if (ms > 0) setTimeout(() => dismiss(id), ms)
    return id
  }
  return { toasts, show, dismiss }
}
