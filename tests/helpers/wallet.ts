import { execFileSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import http2 from 'node:http2'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { inflateRawSync } from 'node:zlib'
import { importSPKI, jwtVerify } from 'jose'

/*
 * Stand-ins for the wallets: a test certificate authority (openssl), a local HTTP/2 APNs that
 * checks the client certificate against it, and a local Google Wallet API with its OAuth token
 * endpoint that checks the service account's signature. No stub of our own code.
 */

export const PASS_TYPE_ID = 'pass.test.loyalty-wallet'
export const TEAM_ID = 'ABCDE12345'
export const ISSUER_ID = '3388000000012345678'

const openssl = (dir: string, ...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })

/** A root CA, Apple's "WWDR" intermediate under it, the pass signer under that, and a TLS cert for localhost. */
export function makeTestPki() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-pki-'))
  const ca = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n'
  fs.writeFileSync(path.join(dir, 'ca.ext'), ca)
  fs.writeFileSync(path.join(dir, 'leaf.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n')
  fs.writeFileSync(
    path.join(dir, 'server.ext'),
    'basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  )
  const key = (name: string) => openssl(dir, 'genrsa', '-out', `${name}.key`, '2048')
  const sign = (name: string, subject: string, issuer: string, ext: string) => {
    key(name)
    openssl(dir, 'req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`)
    openssl(
      dir,
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${issuer}.pem`,
      '-CAkey',
      `${issuer}.key`,
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      ext,
      '-out',
      `${name}.pem`,
    )
  }
  key('root')
  openssl(
    dir,
    'req',
    '-x509',
    '-new',
    '-key',
    'root.key',
    '-subj',
    '/CN=LW Test Root CA',
    '-days',
    '2',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    'root.pem',
  )
  sign('wwdr', '/CN=LW Test WWDR/O=Test', 'root', 'ca.ext')
  sign('signer', `/UID=${PASS_TYPE_ID}/CN=Pass Type ID: ${PASS_TYPE_ID}/OU=${TEAM_ID}/O=Test`, 'wwdr', 'leaf.ext')
  sign('server', '/CN=localhost', 'root', 'server.ext')
  const file = (n: string) => path.join(dir, n)
  const read = (n: string) => fs.readFileSync(file(n), 'utf8')
  return {
    dir,
    file,
    rootPem: read('root.pem'),
    wwdrPem: read('wwdr.pem'),
    signerPem: read('signer.pem'),
    signerKey: read('signer.key'),
    serverPem: read('server.pem'),
    serverKey: read('server.key'),
    close: () => fs.rmSync(dir, { recursive: true, force: true }),
  }
}
export type TestPki = ReturnType<typeof makeTestPki>

/** The environment that turns Apple Wallet on, with APNs at `apnsUrl`. */
export const appleEnv = (pki: TestPki, apnsUrl: string) => ({
  APPLE_PASS_TYPE_ID: PASS_TYPE_ID,
  APPLE_TEAM_ID: TEAM_ID,
  APPLE_PASS_CERT: pki.file('signer.pem'),
  APPLE_PASS_KEY: pki.file('signer.key'),
  APPLE_WWDR_CERT: pki.file('wwdr.pem'),
  APPLE_APNS_URL: apnsUrl,
  APPLE_APNS_CA: pki.file('root.pem'),
})

/** The entries of a zip (a .pkpass), read from its central directory. */
export function unzip(buf: Buffer): Record<string, Buffer> {
  let eocd = buf.length - 22
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--
  const count = buf.readUInt16LE(eocd + 10)
  let p = buf.readUInt32LE(eocd + 16)
  const out: Record<string, Buffer> = {}
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(p + 10)
    const size = buf.readUInt32LE(p + 20)
    const nameLen = buf.readUInt16LE(p + 28)
    const skip = nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32)
    const local = buf.readUInt32LE(p + 42)
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8')
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28)
    const data = buf.subarray(start, start + size)
    out[name] = method === 8 ? inflateRawSync(data) : Buffer.from(data)
    p += 46 + skip
  }
  return out
}

/** `openssl smime -verify` of a pass's detached signature over `manifest`; true when it verifies. */
export function verifiesWithOpenssl(pki: TestPki, signature: Buffer, manifest: Buffer): boolean {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-sig-'))
  fs.writeFileSync(path.join(dir, 'signature'), signature)
  fs.writeFileSync(path.join(dir, 'manifest.json'), manifest)
  try {
    openssl(
      dir,
      'smime',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      'signature',
      '-content',
      'manifest.json',
      '-CAfile',
      pki.file('root.pem'),
      '-purpose',
      'any',
      '-out',
      os.devNull,
    )
    return true
  } catch {
    return false
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * A local APNs over HTTP/2 and TLS that refuses clients without a certificate from the test CA.
 * `answer(token)` scripts a status per device token (200 by default).
 */
export async function startApns(pki: TestPki, answer: (token: string) => number = () => 200) {
  const pushes: Array<{ token: string; topic: string; body: string; client: string }> = []
  const server = http2.createSecureServer({
    key: pki.serverKey,
    cert: pki.serverPem,
    ca: pki.rootPem,
    requestCert: true,
    rejectUnauthorized: true,
  })
  const sessions = new Set<http2.ServerHttp2Session>()
  server.on('session', (s) => {
    sessions.add(s)
    s.on('close', () => sessions.delete(s))
  })
  server.on('stream', (stream, headers) => {
    let body = ''
    stream.setEncoding('utf8')
    stream.on('data', (d: string) => (body += d))
    stream.on('end', () => {
      const token = String(headers[':path']).replace('/3/device/', '')
      const socket = stream.session?.socket as import('node:tls').TLSSocket
      const peer = socket.getPeerCertificate()
      pushes.push({ token, topic: String(headers['apns-topic']), body, client: String(peer.subject?.UID ?? '') })
      const status = answer(token)
      stream.respond({ ':status': status, 'content-type': 'application/json' })
      stream.end(status === 200 ? '' : JSON.stringify({ reason: status === 410 ? 'Unregistered' : 'BadRequest' }))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  return {
    url: `https://localhost:${port}`,
    pushes,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sessions) s.destroy()
        server.close(() => r())
      }),
  }
}

/** A service account key pair, as the JSON file Google hands out, and its public key. */
export function makeServiceAccount(dir: string) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const json = {
    type: 'service_account',
    client_email: 'wallet@lw-test.iam.gserviceaccount.com',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  }
  const file = path.join(dir, 'service-account.json')
  fs.writeFileSync(file, JSON.stringify(json))
  return {
    file,
    clientEmail: json.client_email,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  }
}
export type ServiceAccount = ReturnType<typeof makeServiceAccount>

type Resource = Record<string, unknown> & { id: string }

/**
 * A local Google Wallet API: the OAuth token endpoint (it verifies the assertion with the service
 * account's public key) and loyaltyClass/loyaltyObject GET, POST (409 when it exists) and PATCH (404
 * when it does not). `fail` makes the next N object PATCHes answer 503.
 */
export async function startGoogle(account: ServiceAccount) {
  const classes = new Map<string, Resource>()
  const objects = new Map<string, Resource>()
  const calls: Array<{ method: string; path: string }> = []
  const state = { fail: 0, tokens: 0 }
  const publicKey = await importSPKI(account.publicPem, 'RS256')
  const server = http.createServer((req, res) => {
    let raw = ''
    req.on('data', (d) => (raw += d))
    req.on('end', async () => {
      const send = (status: number, body?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(body === undefined ? '' : JSON.stringify(body))
      }
      const url = new URL(req.url!, 'http://x')
      calls.push({ method: req.method!, path: url.pathname })
      if (url.pathname === '/token') {
        const assertion = new URLSearchParams(raw).get('assertion') ?? ''
        try {
          const { payload } = await jwtVerify(assertion, publicKey, { issuer: account.clientEmail })
          if (!String(payload.scope).includes('wallet_object.issuer')) return send(400, { error: 'invalid_scope' })
        } catch {
          return send(401, { error: 'invalid_grant' })
        }
        state.tokens++
        return send(200, { access_token: `token-${state.tokens}`, expires_in: 3600, token_type: 'Bearer' })
      }
      if (!/^Bearer token-\d+$/.test(req.headers.authorization ?? '')) return send(401, { error: 'unauthenticated' })
      const m = /^\/walletobjects\/v1\/(loyaltyClass|loyaltyObject)(?:\/(.+))?$/.exec(url.pathname)
      if (!m) return send(404, { error: 'no such path' })
      const store = m[1] === 'loyaltyClass' ? classes : objects
      const id = m[2] ? decodeURIComponent(m[2]) : undefined
      const body = raw ? (JSON.parse(raw) as Resource) : undefined
      if (req.method === 'POST') {
        if (store.has(body!.id)) return send(409, { error: 'exists' })
        if (m[1] === 'loyaltyObject' && !classes.has(String(body!.classId))) return send(404, { error: 'no class' })
        store.set(body!.id, body!)
        return send(200, body)
      }
      const found = id ? store.get(id) : undefined
      if (!found) return send(404, { error: 'not found' })
      if (req.method === 'GET') return send(200, found)
      if (req.method === 'PATCH') {
        if (m[1] === 'loyaltyObject' && state.fail > 0) {
          state.fail--
          return send(503, { error: 'try later' })
        }
        const next = { ...found, ...body }
        store.set(found.id, next)
        return send(200, next)
      }
      send(405)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    classes,
    objects,
    calls,
    state,
    env: (file: string) => ({
      GOOGLE_WALLET_ISSUER_ID: ISSUER_ID,
      GOOGLE_WALLET_SERVICE_ACCOUNT: file,
      GOOGLE_WALLET_API_URL: url,
      GOOGLE_OAUTH_TOKEN_URL: `${url}/token`,
      GOOGLE_WALLET_SAVE_URL: 'https://pay.google.test',
    }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}
