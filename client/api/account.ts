/** The member's account: passkeys, sign-in links, devices, consents, export and deletion. */
import type { AccountProfile, ConsentDto, DeviceDto, PasskeyDto, SignInResult } from '../../server/contract/account.js'
import { request } from './client.js'

export type { AccountProfile, ConsentDto, DeviceDto, PasskeyDto, SignInResult }

const seg = encodeURIComponent

export const accountApi = {
  profile: () => request<AccountProfile>('GET', '/me'),

  passkeys: () => request<{ passkeys: PasskeyDto[] }>('GET', '/me/passkeys'),
  passkeyOptions: () => request<Record<string, unknown>>('POST', '/me/passkeys/options'),
  addPasskey: (response: unknown, name: string) =>
    request<PasskeyDto>('POST', '/me/passkeys', { body: { response, name } }),
  renamePasskey: (id: string, name: string) =>
    request<{ passkeys: PasskeyDto[] }>('PATCH', `/me/passkeys/${seg(id)}`, { body: { name } }),
  removePasskey: (id: string) => request<{ passkeys: PasskeyDto[] }>('DELETE', `/me/passkeys/${seg(id)}`),

  signInOptions: () => request<Record<string, unknown>>('POST', '/auth/passkey/options'),
  passkeySignIn: (response: unknown) => request<SignInResult>('POST', '/auth/passkey', { body: { response } }),
  emailLink: (email: string, locale: 'en' | 'pl') =>
    request<{ sent: true }>('POST', '/auth/email-link', { body: { email, locale } }),
  confirmEmailLink: (token: string) => request<SignInResult>('POST', '/auth/email-link/confirm', { body: { token } }),

  devices: () => request<{ devices: DeviceDto[] }>('GET', '/me/devices'),
  signOutDevice: (id: string) => request<{ signedOut: number }>('DELETE', `/me/devices/${seg(id)}`),
  signOutOthers: () => request<{ signedOut: number }>('POST', '/me/devices/sign-out-others'),

  consents: () => request<{ consents: ConsentDto[] }>('GET', '/me/consents'),
  setConsent: (cardId: string, granted: boolean, wording: string) =>
    request<{ consents: ConsentDto[] }>('PUT', `/me/cards/${seg(cardId)}/consent`, { body: { granted, wording } }),

  exportData: () => request<Record<string, unknown>>('GET', '/me/export'),
  deleteAccount: () => request<{ deleted: true }>('POST', '/me/delete', { body: { confirm: true } }),
}

/** Codes the account screens translate under account.errors (the rest use the shared errors.*). */
export const ACCOUNT_ERROR_CODES = [
  'challenge_invalid',
  'passkey_failed',
  'passkey_unknown',
  'passkey_not_found',
  'passkey_cancelled',
  'passkey_exists',
  'passkey_unsupported',
  'link_invalid',
  'link_expired',
  'link_used',
  'device_not_found',
] as const
