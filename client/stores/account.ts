import { defineStore } from 'pinia'
import { ref } from 'vue'
import {
  accountApi,
  type AccountProfile,
  type ConsentDto,
  type DeviceDto,
  type PasskeyDto,
  type SignInResult,
} from '../api/account.js'
import { createPasskey, signInWithPasskey } from '../composables/use-passkeys.js'
import { useWalletStore } from './wallet.js'

/** The member's account on this device: profile, passkeys, devices and consents. */
export const useAccountStore = defineStore('account', () => {
  const profile = ref<AccountProfile | null>(null)
  const passkeys = ref<PasskeyDto[]>([])
  const devices = ref<DeviceDto[]>([])
  const consents = ref<ConsentDto[]>([])

  async function loadProfile() {
    profile.value = await accountApi.profile()
    return profile.value
  }
  async function loadPasskeys() {
    passkeys.value = (await accountApi.passkeys()).passkeys
  }
  async function loadDevices() {
    devices.value = (await accountApi.devices()).devices
  }
  async function loadConsents() {
    consents.value = (await accountApi.consents()).consents
  }

  async function addPasskey(name?: string) {
    const p = await createPasskey(name)
    passkeys.value = [...passkeys.value, p]
    if (profile.value) profile.value = { ...profile.value, passkeys: profile.value.passkeys + 1 }
    return p
  }
  async function renamePasskey(id: string, name: string) {
    passkeys.value = (await accountApi.renamePasskey(id, name)).passkeys
  }
  async function removePasskey(id: string) {
    passkeys.value = (await accountApi.removePasskey(id)).passkeys
  }

  async function signOutDevice(id: string) {
    await accountApi.signOutDevice(id)
    devices.value = devices.value.filter((d) => d.id !== id)
  }
  async function signOutOthers() {
    const r = await accountApi.signOutOthers()
    devices.value = devices.value.filter((d) => d.current)
    return r.signedOut
  }

  async function setConsent(cardId: string, granted: boolean, wording: string) {
    consents.value = (await accountApi.setConsent(cardId, granted, wording)).consents
  }

  /** After a sign-in the server's wallet (merged with this device's) replaces the saved one. */
  async function afterSignIn(result: SignInResult): Promise<SignInResult> {
    profile.value = null
    await useWalletStore().refresh()
    return result
  }
  const signInPasskey = async () => afterSignIn(await signInWithPasskey())
  const confirmEmailLink = async (token: string) => afterSignIn(await accountApi.confirmEmailLink(token))

  async function deleteAccount() {
    await accountApi.deleteAccount()
    useWalletStore().$patch({ cards: [], history: {}, fetchedAt: {}, listFetchedAt: null })
    profile.value = null
    passkeys.value = []
    devices.value = []
    consents.value = []
  }

  return {
    profile,
    passkeys,
    devices,
    consents,
    loadProfile,
    loadPasskeys,
    loadDevices,
    loadConsents,
    addPasskey,
    renamePasskey,
    removePasskey,
    signOutDevice,
    signOutOthers,
    setConsent,
    signInPasskey,
    confirmEmailLink,
    deleteAccount,
  }
})
