import { z } from 'zod'
import { Email, LocaleCode } from './common.js'

/* Passkeys, email sign-in links, devices, consents and privacy: the member's account. */

/** WebAuthn options as SimpleWebAuthn makes them, passed straight to the browser library. */
export const WebAuthnOptions = z.record(z.string(), z.unknown()).meta({ id: 'WebAuthnOptions' })

const b64url = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^[A-Za-z0-9_-]+$/, 'base64url')
/** A credential as @simplewebauthn/browser returns it (registration or authentication). */
export const WebAuthnResponse = z
  .looseObject({
    id: b64url,
    rawId: b64url,
    type: z.literal('public-key'),
    response: z.looseObject({
      clientDataJSON: b64url,
      attestationObject: b64url.optional(),
      authenticatorData: b64url.optional(),
      signature: b64url.optional(),
      userHandle: z.string().max(512).optional(),
      transports: z.array(z.string().max(32)).max(10).optional(),
    }),
    clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
    authenticatorAttachment: z.string().max(32).optional(),
  })
  .meta({ id: 'WebAuthnResponse' })

export const PasskeyName = z.string().trim().min(1, 'required').max(60)
export const RegisterPasskeyRequest = z.object({ response: WebAuthnResponse, name: PasskeyName.optional() })
export const RenamePasskeyRequest = z.object({ name: PasskeyName })
export const PasskeySignInRequest = z.object({ response: WebAuthnResponse })

export const PasskeyDto = z
  .object({ id: z.string(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() })
  .meta({ id: 'Passkey' })
export type PasskeyDto = z.infer<typeof PasskeyDto>
export const PasskeyList = z.object({ passkeys: z.array(PasskeyDto) })

/** `locale`: the asking screen's language, used when the address is not a member's with a language of their own. */
export const EmailLinkRequest = z.object({ email: Email, locale: LocaleCode.default('en') })
export type EmailLinkRequest = z.infer<typeof EmailLinkRequest>
export const EmailLinkSent = z.object({ sent: z.literal(true) })
export const EmailLinkConfirm = z.object({
  token: z
    .string()
    .min(10)
    .max(100)
    .regex(/^[A-Za-z0-9_-]+$/, 'base64url'),
})

/** After a sign-in: how the wallet on this device changed. */
export const SignInResult = z
  .object({ signedIn: z.literal(true), movedCards: z.number().int(), mergedCards: z.number().int() })
  .meta({ id: 'SignInResult' })
export type SignInResult = z.infer<typeof SignInResult>

export const DeviceDto = z
  .object({
    id: z.string(),
    userAgent: z.string().nullable(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
    current: z.boolean(),
  })
  .meta({ id: 'Device' })
export type DeviceDto = z.infer<typeof DeviceDto>
export const DeviceList = z.object({ devices: z.array(DeviceDto) })
export const SignedOutCount = z.object({ signedOut: z.number().int() })

export const ConsentDto = z
  .object({
    cardId: z.string(),
    merchantName: z.string(),
    slug: z.string(),
    granted: z.boolean(),
    changedAt: z.string().nullable(),
  })
  .meta({ id: 'Consent' })
export type ConsentDto = z.infer<typeof ConsentDto>
export const ConsentList = z.object({ consents: z.array(ConsentDto) })
export const SetConsentRequest = z.object({
  granted: z.boolean(),
  /** The exact words the member saw, in their language: the log keeps them. */
  wording: z.string().trim().min(1).max(600),
})

export const AccountProfile = z
  .object({
    name: z.string(),
    email: z.string().nullable(),
    passkeys: z.number().int(),
    /** The language pushes and emails to the member are written in (null: not chosen yet, English). */
    locale: LocaleCode.nullable(),
  })
  .meta({ id: 'AccountProfile' })
export type AccountProfile = z.infer<typeof AccountProfile>

export const SetLocaleRequest = z.object({ locale: LocaleCode })
export const DeleteAccountRequest = z.object({ confirm: z.literal(true) })
export const MemberExport = z.record(z.string(), z.unknown()).meta({ id: 'MemberExport' })
