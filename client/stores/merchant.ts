import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api, type ApiKey, type NewApiKey, type SignupLinkDto } from '../api/client.js'

/** The merchant console's data: API keys and signup links. Only loaded by the staff chunk. */
export const useMerchantStore = defineStore('merchant', () => {
  const keys = ref<ApiKey[]>([])
  const keysLoaded = ref(false)
  const links = ref<SignupLinkDto[]>([])
  const linksLoaded = ref(false)

  async function loadKeys(): Promise<void> {
    keys.value = (await api.apiKeys()).keys
    keysLoaded.value = true
  }

  async function createKey(name: string): Promise<NewApiKey> {
    const created = await api.createApiKey(name)
    const { key: _secret, ...summary } = created
    keys.value = [summary, ...keys.value.filter((k) => k.id !== created.id)]
    return created
  }

  async function revokeKey(id: string): Promise<void> {
    await api.revokeApiKey(id)
    const now = new Date().toISOString()
    keys.value = keys.value.map((k) => (k.id === id ? { ...k, revokedAt: k.revokedAt ?? now } : k))
  }

  async function loadLinks(): Promise<void> {
    links.value = (await api.signupLinks()).links
    linksLoaded.value = true
  }

  async function createLink(campaign: string, locationId: string | null = null): Promise<SignupLinkDto> {
    const link = await api.createSignupLink(campaign, locationId)
    links.value = [link, ...links.value.filter((l) => l.id !== link.id)]
    return link
  }

  function reset(): void {
    keys.value = []
    links.value = []
    keysLoaded.value = false
    linksLoaded.value = false
  }

  return { keys, keysLoaded, links, linksLoaded, loadKeys, createKey, revokeKey, loadLinks, createLink, reset }
})
