import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, type LoginBody, type Role, type SetupBody, type StaffMe } from '../api/client.js'
import { isApiError } from '../api/errors.js'

/** The signed-in staff member (cashier, manager or owner), if any. */
export const useSessionStore = defineStore('session', () => {
  const me = ref<StaffMe | null>(null)
  const checked = ref(false)

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
      .then((m) => (me.value = m))
      .catch((e) => {
        if (!isApiError(e, 'unauthenticated')) throw e
        me.value = null
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
    me.value = await api.staffLogin(body)
    checked.value = true
    return me.value
  }

  async function setup(body: SetupBody): Promise<StaffMe> {
    me.value = await api.setup(body)
    checked.value = true
    return me.value
  }

  async function logout(): Promise<void> {
    try {
      await api.staffLogout()
    } finally {
      me.value = null
      checked.value = true
    }
  }

  /** A session opened by another call (business sign-up, a password reset link). */
  function adopt(m: StaffMe): void {
    me.value = m
    checked.value = true
  }

  /** Asks the server again (the business's status or checklist changed). */
  async function refresh(): Promise<StaffMe | null> {
    checked.value = false
    return ensure()
  }

  /** After a 401 mid-session: forget the session so the guard sends the user to sign in. */
  function expire(): void {
    me.value = null
    checked.value = true
  }

  const isOperator = computed(() => me.value?.operator === true)

  return {
    me,
    checked,
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
