/** The member's account: passkeys, sign-in links, devices, consents, export and deletion. */
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/browser'
import type { Locale } from '../../server/contract/locales.js'
import { call, rpc, seg, type JsonOf } from './client.js'

export type { AccountProfile, ConsentDto, DeviceDto, PasskeyDto, SignInResult } from '../../server/contract/account.js'

// The server reads a WebAuthn response as a loose object (any extra field passes through to the
// verifier); the browser library's interfaces have no index signature, hence the casts.
type PasskeyCredential = JsonOf<typeof rpc.me.passkeys.$post>['response']
type PasskeyAssertion = JsonOf<typeof rpc.auth.passkey.$post>['response']

export const accountApi = {
  profile: () => call(rpc.me.$get()),

  passkeys: () => call(rpc.me.passkeys.$get()),
  passkeyOptions: () => call(rpc.me.passkeys.options.$post()),
  addPasskey: (response: RegistrationResponseJSON, name: string) =>
    call(rpc.me.passkeys.$post({ json: { response: response as PasskeyCredential, name } })),
  renamePasskey: (id: string, name: string) =>
    call(rpc.me.passkeys[':id'].$patch({ param: { id: seg(id) }, json: { name } })),
  removePasskey: (id: string) => call(rpc.me.passkeys[':id'].$delete({ param: { id: seg(id) } })),

  signInOptions: () => call(rpc.auth.passkey.options.$post()),
  passkeySignIn: (response: AuthenticationResponseJSON) =>
    call(rpc.auth.passkey.$post({ json: { response: response as PasskeyAssertion } })),
  emailLink: (email: string, locale: Locale) => call(rpc.auth['email-link'].$post({ json: { email, locale } })),
  /** The language the member's pushes and emails are written in. */
  setLocale: (locale: Locale) => call(rpc.me.locale.$put({ json: { locale } })),
  confirmEmailLink: (token: string) => call(rpc.auth['email-link'].confirm.$post({ json: { token } })),

  devices: () => call(rpc.me.devices.$get()),
  signOutDevice: (id: string) => call(rpc.me.devices[':id'].$delete({ param: { id: seg(id) } })),
  signOutOthers: () => call(rpc.me.devices['sign-out-others'].$post()),

  consents: () => call(rpc.me.consents.$get()),
  setConsent: (cardId: string, granted: boolean, wording: string) =>
    call(rpc.me.cards[':id'].consent.$put({ param: { id: seg(cardId) }, json: { granted, wording } })),

  exportData: () => call(rpc.me.export.$get()),
  deleteAccount: () => call(rpc.me.delete.$post({ json: { confirm: true } })),
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
