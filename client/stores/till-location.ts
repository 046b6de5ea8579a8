import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { readJson, writeJson } from '../lib/storage.js'
import { useSessionStore } from './session.js'

const STORAGE_KEY = 'lw.tillLocation.v1'

/**
 * Where this till stands: the location a staff member picked on this device (remembered per person),
 * or the first of the locations they may work at. The scanner sends it with every scan and coupon.
 */
export const useTillLocationStore = defineStore('till-location', () => {
  const session = useSessionStore()
  const chosen = ref<Record<string, string>>(readJson<Record<string, string>>(STORAGE_KEY) ?? {})

  const options = computed(() => session.me?.locations ?? [])
  const current = computed(() => {
    const id = chosen.value[session.me?.id ?? '']
    return options.value.find((l) => l.id === id) ?? options.value[0] ?? null
  })

  function choose(locationId: string): void {
    const me = session.me?.id
    if (!me) return
    chosen.value = { ...chosen.value, [me]: locationId }
    writeJson(STORAGE_KEY, chosen.value)
  }

  return { options, current, choose }
})
