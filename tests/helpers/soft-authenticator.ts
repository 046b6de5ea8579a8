import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto'

/**
 * A software WebAuthn authenticator (ES256, "none" attestation, discoverable credentials, user
 * verified) built on node:crypto, so API tests produce real registration and assertion responses.
 * Its CBOR encoder is our own, independent of the library under test.
 */

type Cbor = number | string | Uint8Array | Cbor[] | Map<Cbor, Cbor> | { [k: string]: Cbor }

function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n])
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n])
  if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff])
  const b = Buffer.alloc(5)
  b[0] = (major << 5) | 26
  b.writeUInt32BE(n, 1)
  return b
}

export function cbor(v: Cbor): Buffer {
  if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v)
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8')
    return Buffer.concat([head(3, b.length), b])
  }
  if (v instanceof Uint8Array) return Buffer.concat([head(2, v.length), Buffer.from(v)])
  if (Array.isArray(v)) return Buffer.concat([head(4, v.length), ...v.map(cbor)])
  const entries = v instanceof Map ? [...v.entries()] : Object.entries(v)
  return Buffer.concat([head(5, entries.length), ...entries.flatMap(([k, val]) => [cbor(k), cbor(val)])])
}

const b64u = (b: Uint8Array | string) => Buffer.from(b).toString('base64url')
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest()

const UP = 0x01
const UV = 0x04
const AT = 0x40

interface Credential {
  id: Buffer
  privateKey: KeyObject
  publicJwk: { x: string; y: string }
  rpId: string
  userHandle: string
  counter: number
}

export interface RegistrationOptionsLike {
  challenge: string
  rp: { id?: string }
  user: { id: string }
}
export interface AuthenticationOptionsLike {
  challenge: string
  rpId?: string
}

export class SoftAuthenticator {
  readonly credentials: Credential[] = []
  constructor(
    readonly origin: string,
    private readonly userVerified = true,
  ) {}

  private flags(extra = 0) {
    return UP | (this.userVerified ? UV : 0) | extra
  }

  /** navigator.credentials.create(), as @simplewebauthn/browser would return it. */
  register(options: RegistrationOptionsLike, opts: { origin?: string } = {}) {
    const rpId = options.rp.id!
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const jwk = publicKey.export({ format: 'jwk' }) as { x: string; y: string }
    const id = randomBytes(16)
    const cred: Credential = { id, privateKey, publicJwk: jwk, rpId, userHandle: options.user.id, counter: 0 }
    this.credentials.push(cred)
    const coseKey = new Map<Cbor, Cbor>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(jwk.x, 'base64url')],
      [-3, Buffer.from(jwk.y, 'base64url')],
    ])
    const counter = Buffer.alloc(4)
    const idLen = Buffer.alloc(2)
    idLen.writeUInt16BE(id.length)
    const authData = Buffer.concat([
      sha256(rpId),
      Buffer.from([this.flags(AT)]),
      counter,
      Buffer.alloc(16),
      idLen,
      id,
      cbor(coseKey),
    ])
    const clientData = JSON.stringify({
      type: 'webauthn.create',
      challenge: options.challenge,
      origin: opts.origin ?? this.origin,
      crossOrigin: false,
    })
    return {
      id: b64u(id),
      rawId: b64u(id),
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64u(clientData),
        attestationObject: b64u(cbor({ fmt: 'none', attStmt: {}, authData })),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    }
  }

  /** navigator.credentials.get() with a discoverable credential (the first, or the one given). */
  authenticate(options: AuthenticationOptionsLike, credential = this.credentials[0]) {
    if (!credential) throw new Error('no credential on this authenticator')
    credential.counter++
    const counter = Buffer.alloc(4)
    counter.writeUInt32BE(credential.counter)
    const authData = Buffer.concat([sha256(options.rpId ?? credential.rpId), Buffer.from([this.flags()]), counter])
    const clientData = Buffer.from(
      JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin: this.origin, crossOrigin: false }),
    )
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), credential.privateKey)
    return {
      id: b64u(credential.id),
      rawId: b64u(credential.id),
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64u(clientData),
        authenticatorData: b64u(authData),
        signature: b64u(signature),
        userHandle: credential.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    }
  }
}
