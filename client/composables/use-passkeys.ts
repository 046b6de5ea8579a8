import { ApiError, errorKey } from '../api/errors.js'
import { ACCOUNT_ERROR_CODES, accountApi, type PasskeyDto, type SignInResult } from '../api/account.js'
import { describeUserAgent } from '../lib/user-agent.js'

/**
 * Passkeys in the browser. @simplewebauthn/browser is imported only when a passkey is made or
 * used, so it never weighs on the card route's first load.
 */

export const passkeysSupported = () => typeof window !== 'undefined' && 'PublicKeyCredential' in window

/** A browser failure as an account error code (cancelled, already saved, unsupported). */
function browserError(e: unknown): ApiError {
  if (e instanceof ApiError) return e
  const name = (e as { name?: string; cause?: { name?: string } } | null)?.name
  const causeName = (e as { cause?: { name?: string } } | null)?.cause?.name
  if (name === 'NotAllowedError' || name === 'AbortError' || causeName === 'NotAllowedError') {
    return new ApiError('passkey_cancelled', 'The passkey request was cancelled.', 0)
  }
  if (name === 'InvalidStateError' || causeName === 'InvalidStateError') {
    return new ApiError('passkey_exists', 'This device already holds a passkey for this wallet.', 0)
  }
  return new ApiError('passkey_failed', String((e as Error)?.message ?? e), 0)
}

export async function createPasskey(name?: string): Promise<PasskeyDto> {
  if (!passkeysSupported()) throw new ApiError('passkey_unsupported', 'Passkeys are not supported here.', 0)
  const { startRegistration } = await import('@simplewebauthn/browser')
  const optionsJSON = await accountApi.passkeyOptions()
  let response
  try {
    response = await startRegistration({ optionsJSON: optionsJSON as never })
  } catch (e) {
    throw browserError(e)
  }
  return accountApi.addPasskey(response, name ?? describeUserAgent(navigator.userAgent) ?? 'Passkey')
}

export async function signInWithPasskey(): Promise<SignInResult> {
  if (!passkeysSupported()) throw new ApiError('passkey_unsupported', 'Passkeys are not supported here.', 0)
  const { startAuthentication } = await import('@simplewebauthn/browser')
  const optionsJSON = await accountApi.signInOptions()
  let response
  try {
    response = await startAuthentication({ optionsJSON: optionsJSON as never })
  } catch (e) {
    throw browserError(e)
  }
  return accountApi.passkeySignIn(response)
}

/** The i18n key for an error on the account screens. */
export function accountErrorKey(e: unknown): string {
  if (e instanceof ApiError && (ACCOUNT_ERROR_CODES as readonly string[]).includes(e.code))
    return `account.errors.${e.code}`
  return errorKey(e)
}
