import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, type LoginBody, type Role, type SetupBody, type StaffMe } from '../api/client.js'
import { isApiError } from '../api/errors.js'
import { readJson, writeJson } from '../lib/storage.js'

/** The last staff member seen signed in on this device: the till opens offline with it (see ensure). */
const ME_KEY = 'lw.staff.me'

/** The signed-in staff member (cashier, manager or owner), if any. */
export const useSessionStore = defineStore('session', () => {
  const me = ref<StaffMe | null>(null)
  const checked = ref(false)
  /** True when `me` is the saved copy because the server could not be reached. */
  const offline = ref(false)

  function remember(m: StaffMe | null) {
    me.value = m
    offline.value = false
    writeJson(ME_KEY, m)
  }

  const role = computed<Role | null>(() => me.value?.role ?? null)
  const canAdjust = computed(() => role.value === 'owner' || role.value === 'manager')
  const canManageLinks = canAdjust
  const isOwner = computed(() => role.value === 'owner')

  let pending: Promise<StaffMe | null> | null = null
  /** Asks the server once per page load (or after sign-out) whether a staff session exists. */
  function ensure(): Promise<StaffMe | null> {
    if (checked.value) return Promise.resolve(me.value)
    pending ??= api
      .staffMe()
      .then((m) => {
        remember(m)
        return m
      })
      .catch((e) => {
        // No network: the till still opens for the last one signed in here, to queue scans until it returns
        // (the session cookie goes with them; the server checks it when they are sent).
        if (isApiError(e, 'offline') || isApiError(e, 'network_error')) {
          const saved = readJson<StaffMe>(ME_KEY)
          if (!saved) throw e
          me.value = saved
          offline.value = true
          return saved
        }
        if (!isApiError(e, 'unauthenticated')) throw e
        remember(null)
        return null
      })
      .then((m) => {
        checked.value = true
        return m
      })
      .finally(() => (pending = null))
    return pending
  }

  async function login(body: LoginBody): Promise<StaffMe> {
    remember(await api.staffLogin(body))
    checked.value = true
    return me.value!
  }

  async function setup(body: SetupBody): Promise<StaffMe> {
    remember(await api.setup(body))
    checked.value = true
    return me.value!
  }

  async function logout(): Promise<void> {
    try {
      await api.staffLogout()
    } finally {
      remember(null)
      checked.value = true
    }
  }

  /** A session opened by another call (business sign-up, a password reset link). */
  function adopt(m: StaffMe): void {
    remember(m)
    checked.value = true
  }

  /** Asks the server again (the business's status or checklist changed). */
  async function refresh(): Promise<StaffMe | null> {
    checked.value = false
    return ensure()
  }

  /** After a 401 mid-session: forget the session so the guard sends the user to sign in. */
  function expire(): void {
    remember(null)
    checked.value = true
  }

  const isOperator = computed(() => me.value?.operator === true)

  return {
    me,
    checked,
    offline,
    role,
    canAdjust,
    canManageLinks,
    isOwner,
    isOperator,
    ensure,
    login,
    setup,
    logout,
    expire,
    adopt,
    refresh,
  }
})
