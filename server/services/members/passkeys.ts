import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server'
import type { PasskeyDto } from '../../contract/account.js'
import { writeTx } from '../../db/connection.js'
import {
  consumeChallenge,
  deletePasskey,
  insertChallenge,
  insertPasskey,
  markPasskeyUsed,
  passkeyByCredentialId,
  passkeysOf,
  renamePasskey,
} from '../../db/queries/account.js'
import { customerById } from '../../db/queries/people.js'
import type { Passkey } from '../../db/schema.js'
import { DomainError } from '../../domain/errors.js'
import { newId } from '../../domain/ids.js'
import type { Deps } from '../common/deps.js'

export const CHALLENGE_TTL_MS = 5 * 60 * 1000
const RP_NAME = 'Loyalty Wallet'
/** ES256 and RS256: what platform authenticators make. */
const ALGORITHMS = [-7, -257]

const toDto = (p: Passkey): PasskeyDto => ({
  id: p.id,
  name: p.name,
  createdAt: p.created_at,
  lastUsedAt: p.last_used_at,
})

/** The challenge the browser signed, read from clientDataJSON (verification checks it again). */
function challengeOf(clientDataJSON: string): string {
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown }
    if (typeof data.challenge === 'string' && data.challenge.length <= 200) return data.challenge
  } catch {
    /* falls through */
  }
  throw new DomainError('passkey_failed', 'The passkey response could not be read.')
}

async function storeChallenge(
  deps: Deps,
  challenge: string,
  purpose: 'register' | 'authenticate',
  customerId: string | null,
  now: Date,
) {
  await writeTx(deps.db, (tx) =>
    insertChallenge(tx, {
      id: newId(),
      challenge,
      purpose,
      customer_id: customerId,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + CHALLENGE_TTL_MS).toISOString(),
    }),
  )
}

const refused = () =>
  new DomainError('challenge_invalid', 'This passkey request was already used or has expired. Please try again.')

export async function listPasskeys(deps: Deps, customerId: string): Promise<PasskeyDto[]> {
  return (await passkeysOf(deps.db, customerId)).map(toDto)
}

/** Options for creating a discoverable passkey with user verification. */
export async function registrationOptions(deps: Deps, customerId: string) {
  const customer = await customerById(deps.db, customerId)
  if (!customer) throw new DomainError('unauthenticated', 'Open your card from its signup link first.')
  const existing = await passkeysOf(deps.db, customerId)
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: deps.config.rpId,
    userID: new TextEncoder().encode(customerId),
    userName: customer.email ?? customer.name,
    userDisplayName: customer.name,
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.credential_id })),
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
    supportedAlgorithmIDs: ALGORITHMS,
  })
  await storeChallenge(deps, options.challenge, 'register', customerId, deps.clock.now())
  return options
}

export async function registerPasskey(
  deps: Deps,
  customerId: string,
  response: RegistrationResponseJSON,
  name: string | undefined,
): Promise<PasskeyDto> {
  const now = deps.clock.now()
  const challenge = challengeOf(response.response.clientDataJSON)
  if (!(await writeTx(deps.db, (tx) => consumeChallenge(tx, challenge, 'register', customerId, now.toISOString()))))
    throw refused()
  let verified
  try {
    verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: deps.config.origin,
      expectedRPID: deps.config.rpId,
      requireUserVerification: true,
      supportedAlgorithmIDs: ALGORITHMS,
    })
  } catch (err) {
    throw new DomainError('passkey_failed', `The passkey could not be verified: ${(err as Error).message}`)
  }
  if (!verified.verified) throw new DomainError('passkey_failed', 'The passkey could not be verified.')
  const cred = verified.registrationInfo.credential
  const row: Passkey = {
    id: newId(),
    customer_id: customerId,
    credential_id: cred.id,
    public_key: Buffer.from(cred.publicKey).toString('base64url'),
    counter: cred.counter,
    transports: cred.transports ? JSON.stringify(cred.transports) : null,
    name: name ?? 'Passkey',
    created_at: now.toISOString(),
    last_used_at: null,
  }
  await writeTx(deps.db, async (tx) => {
    if (await passkeyByCredentialId(tx, cred.id))
      throw new DomainError('passkey_failed', 'This passkey is already saved.')
    await insertPasskey(tx, row)
  })
  return toDto(row)
}

/** Options for "sign in with a passkey": no user named, the authenticator offers its passkeys. */
export async function authenticationOptions(deps: Deps) {
  const options = await generateAuthenticationOptions({ rpID: deps.config.rpId, userVerification: 'required' })
  await storeChallenge(deps, options.challenge, 'authenticate', null, deps.clock.now())
  return options
}

/** Verifies a passkey assertion and returns the member it belongs to. */
export async function verifyPasskeySignIn(deps: Deps, response: AuthenticationResponseJSON): Promise<string> {
  const now = deps.clock.now()
  const challenge = challengeOf(response.response.clientDataJSON)
  if (!(await writeTx(deps.db, (tx) => consumeChallenge(tx, challenge, 'authenticate', null, now.toISOString()))))
    throw refused()
  const passkey = await passkeyByCredentialId(deps.db, response.id)
  if (!passkey) {
    throw new DomainError(
      'passkey_unknown',
      'This passkey is not known here: it may have been removed from your account.',
    )
  }
  let verified
  try {
    verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: deps.config.origin,
      expectedRPID: deps.config.rpId,
      requireUserVerification: true,
      credential: {
        id: passkey.credential_id,
        publicKey: Buffer.from(passkey.public_key, 'base64url'),
        counter: passkey.counter,
        transports: passkey.transports ? (JSON.parse(passkey.transports) as string[]) : undefined,
      },
    })
  } catch (err) {
    throw new DomainError('passkey_failed', `The passkey could not be verified: ${(err as Error).message}`)
  }
  if (!verified.verified) throw new DomainError('passkey_failed', 'The passkey could not be verified.')
  await writeTx(deps.db, (tx) =>
    markPasskeyUsed(tx, passkey.id, verified.authenticationInfo.newCounter, now.toISOString()),
  )
  return passkey.customer_id
}

export async function renameMyPasskey(deps: Deps, customerId: string, id: string, name: string): Promise<void> {
  if (!(await writeTx(deps.db, (tx) => renamePasskey(tx, customerId, id, name))))
    throw new DomainError('passkey_not_found', 'No such passkey.')
}

export async function removeMyPasskey(deps: Deps, customerId: string, id: string): Promise<void> {
  if (!(await writeTx(deps.db, (tx) => deletePasskey(tx, customerId, id))))
    throw new DomainError('passkey_not_found', 'No such passkey.')
}
