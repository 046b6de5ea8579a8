/**
 * Fan-out of one offer to N subscriptions on a local push endpoint (a child process that accepts
 * and drops), beside the encryption-only rate measured in the same run.
 */
import { spawn } from 'node:child_process'
import { createECDH, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import webpush from 'web-push'
import { loadConfig } from '../server/config.js'
import { migrate, openDb } from '../server/db/connection.js'
import { FixedClock } from '../server/domain/clock.js'
import { newCardNumber, newId } from '../server/domain/ids.js'
import { sendDueOffers } from '../server/services/push/automations.js'
import { closeSharedEncryptPool } from '../server/push/encrypt-pool.js'
import { PushSender } from '../server/services/push/sender.js'
import type { Deps } from '../server/services/common/deps.js'
import { createOffer } from '../server/services/push/admin.js'
import { createMerchant } from '../server/services/console/setup.js'

const ENDPOINT_SERVER = `
const http = require('node:http')
const server = http.createServer({ keepAliveTimeout: 60000 }, (req, res) => {
  req.resume()
  req.on('end', () => { res.writeHead(201); res.end() })
})
server.listen(0, '127.0.0.1', () => console.log(server.address().port))
`

export interface FanoutResult {
  subscriptions: number
  queueSeconds: number
  sendSeconds: number
  sendRate: number
  endToEndRate: number
  encryptRate: number
  /** Worker threads the sender encrypted in (config.push.encryptThreads; 0: its own thread). */
  encryptThreads: number
  sent: number
}

/** What the sender cannot do faster than: aes128gcm encryption of the same payload, one core. */
export function encryptionRate(payload: string, keys: { p256dh: string; auth: string }, seconds = 2): number {
  let n = 0
  const t0 = performance.now()
  while (performance.now() - t0 < seconds * 1000) {
    for (let i = 0; i < 50; i++) webpush.encrypt(keys.p256dh, keys.auth, payload, 'aes128gcm')
    n += 50
  }
  return n / ((performance.now() - t0) / 1000)
}

export async function benchPushFanout(count = 10_000): Promise<FanoutResult> {
  const child = spawn(process.execPath, ['-e', ENDPOINT_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] })
  const [portLine] = (await once(readline.createInterface({ input: child.stdout! }), 'line')) as [string]
  const endpointBase = `http://127.0.0.1:${portLine.trim()}/push/`
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-bench-push-'))
  try {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: dir,
      PUSH_CONCURRENCY: process.env.PUSH_CONCURRENCY ?? '64',
      PUSH_ENCRYPT_THREADS: process.env.PUSH_ENCRYPT_THREADS,
    })
    const opened = openDb(config.dbFile)
    await migrate(opened.db)
    // Midday in the merchant's time zone: no quiet hours in the way.
    const clock = new FixedClock(new Date('2026-03-10T12:00:00Z'))
    const deps: Deps = { db: opened.db, clock, config, setupToken: null }
    const { merchantId, ownerId } = await createMerchant(
      opened.db,
      {
        slug: 'bench',
        name: 'Bench Café',
        currency: 'EUR',
        timezone: 'UTC',
        brandColor: '#123456',
        owner: { name: 'O', email: 'o@bench.test', password: 'bench-password-123' },
      },
      clock.now(),
    )
    // One real P-256 key for every device: the sender still encrypts each message anew.
    const ecdh = createECDH('prime256v1')
    ecdh.generateKeys()
    const keys = { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') }
    const at = clock.now().toISOString()
    const s = opened.sqlite
    const seed = s.transaction(() => {
      const cu = s.prepare('insert into customers (id, name, email, birthday, created_at) values (?, ?, null, null, ?)')
      const ca = s.prepare(
        'insert into cards (id, customer_id, merchant_id, card_number, totp_secret, balance, last_code_step, marketing_consent, signup_link_id, created_at, updated_at) values (?, ?, ?, ?, ?, 0, null, 1, null, ?, ?)',
      )
      const su = s.prepare(
        'insert into push_subscriptions (id, customer_id, endpoint, p256dh, auth, user_agent, created_at, last_success_at) values (?, ?, ?, ?, ?, null, ?, null)',
      )
      for (let i = 0; i < count; i++) {
        const c = newId()
        cu.run(c, `Member ${i}`, at)
        ca.run(newId(), c, merchantId, `${newCardNumber()}`, 'JBSWY3DPEHPK3PXP', at, at)
        su.run(newId(), c, `${endpointBase}${i}`, keys.p256dh, keys.auth, at)
      }
    })
    seed()

    await createOffer(
      deps,
      { merchantId, staffId: ownerId },
      {
        title: 'Two for one today, {name}',
        body: 'Bring a friend to {merchant}: the second coffee is on us until 17:00.',
        segment: 'all',
      },
    )
    const t0 = performance.now()
    const tally = await sendDueOffers(deps)
    const t1 = performance.now()
    // PUSH_STUB=1 answers 201 without HTTP: what claiming, encrypting and recording cost alone.
    const sender = new PushSender(
      deps,
      process.env.PUSH_STUB
        ? { fetch: async () => ({ status: 201, headers: { get: () => null }, text: async () => '' }) }
        : {},
    )
    const report = await sender.drain()
    const t2 = performance.now()
    await closeSharedEncryptPool()
    if ((tally.queued ?? 0) !== count || report.sent !== count) {
      throw new Error(
        `fan-out incomplete: queued ${tally.queued}, sent ${report.sent}, failed ${report.failed}, retried ${report.retried}`,
      )
    }
    const payload = (s.prepare('select payload from push_notifications limit 1').get() as { payload: string }).payload
    const encryptRate = encryptionRate(payload, keys)
    await opened.close()
    const queueSeconds = (t1 - t0) / 1000
    const sendSeconds = (t2 - t1) / 1000
    return {
      subscriptions: count,
      queueSeconds,
      sendSeconds,
      sendRate: count / sendSeconds,
      endToEndRate: count / (queueSeconds + sendSeconds),
      encryptRate,
      encryptThreads: config.push.encryptThreads,
      sent: report.sent,
    }
  } finally {
    child.kill('SIGTERM')
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const r = await benchPushFanout(Number(process.env.PUSH_FANOUT_N ?? 10_000))
  console.log(JSON.stringify(r, null, 2))
}
