import { defineStore } from 'pinia'
import { ref } from 'vue'
import { programApi, type ProgramPreview, type ProgramRulesInput, type ProgramSettings } from '../api/program.js'

/** The merchant's program rules as saved, and the last 90-day preview of a proposed change. */
export const useProgramStore = defineStore('program', () => {
  const settings = ref<ProgramSettings | null>(null)
  const preview = ref<ProgramPreview | null>(null)

  async function load() {
    settings.value = await programApi.get()
    preview.value = null
  }
  async function runPreview(rules: ProgramRulesInput) {
    preview.value = await programApi.preview(rules)
    return preview.value
  }
  async function save(rules: ProgramRulesInput, effectiveFrom?: string) {
    settings.value = await programApi.save(rules, effectiveFrom)
    preview.value = null
    return settings.value
  }
  const clearPreview = () => (preview.value = null)
  return { settings, preview, load, runPreview, save, clearPreview }
})
