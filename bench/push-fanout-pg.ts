/**
 * Fan-out of one offer to N subscriptions on PostgreSQL, sent by two sender processes sharing the
 * outbox (FOR UPDATE SKIP LOCKED), to a local endpoint that counts what it receives per device,
 * beside the encryption-only rate of one core measured in the same run. No message may arrive twice.
 */
import { spawn } from 'node:child_process'
import { createECDH, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { sql } from 'kysely'
import { loadConfig } from '../server/config.js'
import { migrate, openPgDb, writeTx } from '../server/db/connection.js'
import { FixedClock } from '../server/domain/clock.js'
import { newCardNumber, newId } from '../server/domain/ids.js'
import type { Deps } from '../server/services/common/deps.js'
import { createMerchant } from '../server/services/console/setup.js'
import { createOffer } from '../server/services/push/admin.js'
import { sendDueOffers } from '../server/services/push/automations.js'
import { encryptionRate } from './push-fanout.js'
import { benchDatabase } from './pg.js'

/** Accepts every push (201) and counts them per device path; GET /stats answers the counts. */
const ENDPOINT_SERVER = `
const http = require('node:http')
const seen = new Map()
const server = http.createServer({ keepAliveTimeout: 60000 }, (req, res) => {
  if (req.method === 'GET') {
    let total = 0, twice = 0
    for (const n of seen.values()) { total += n; if (n > 1) twice++ }
    res.end(JSON.stringify({ total, devices: seen.size, twice }))
    return
  }
  seen.set(req.url, (seen.get(req.url) || 0) + 1)
  req.resume()
  req.on('end', () => { res.writeHead(201); res.end() })
})
server.listen(0, '127.0.0.1', () => console.log(server.address().port))
`

async function lineOf(child: ReturnType<typeof spawn>): Promise<string> {
  const [line] = (await once(readline.createInterface({ input: child.stdout! }), 'line')) as [string]
  return line
}

export interface FanoutPgResult {
  sent: number
  seconds: number
  rate: number
  encryptRate: number
  perProcess: number[]
  twice: number
  received: number
  queueSeconds: number
}

export async function benchPushFanoutPg(count = 5000): Promise<FanoutPgResult> {
  const endpoint = spawn(process.execPath, ['-e', ENDPOINT_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] })
  const base = `http://127.0.0.1:${(await lineOf(endpoint)).trim()}`
  const database = await benchDatabase('lw_bench_push')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-bench-push-pg-'))
  try {
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, DATABASE_URL: database.url })
    const opened = await openPgDb(database.url)
    await migrate(opened.db)
    const clock = new FixedClock(new Date('2026-03-10T12:00:00Z')) // midday: no quiet hours
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
    const ecdh = createECDH('prime256v1')
    ecdh.generateKeys()
    const keys = { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') }
    const at = clock.now().toISOString()
    for (let from = 0; from < count; from += 500) {
      const n = Math.min(500, count - from)
      const people = Array.from({ length: n }, (_, k) => ({ id: newId(), i: from + k }))
      await writeTx(opened.db, async (tx) => {
        await tx
          .insertInto('customers')
          .values(people.map((p) => ({ id: p.id, name: `Member ${p.i}`, email: null, birthday: null, created_at: at })))
          .execute()
        await tx
          .insertInto('cards')
          .values(
            people.map((p) => ({
              id: newId(),
              customer_id: p.id,
              merchant_id: merchantId,
              card_number: newCardNumber(),
              totp_secret: 'JBSWY3DPEHPK3PXP',
              balance: 0,
              last_code_step: null,
              signup_link_id: null,
              marketing_consent: 1,
              created_at: at,
              updated_at: at,
            })),
          )
          .execute()
        await tx
          .insertInto('push_subscriptions')
          .values(
            people.map((p) => ({
              id: newId(),
              customer_id: p.id,
              endpoint: `${base}/push/${p.i}`,
              p256dh: keys.p256dh,
              auth: keys.auth,
              created_at: at,
            })),
          )
          .execute()
      })
    }
    await createOffer(
      deps,
      { merchantId, staffId: ownerId },
      {
        title: 'Two for one today, {name}',
        body: 'Bring a friend to {merchant}: the second coffee is on us until 17:00.',
        segment: 'all',
      },
    )
    const q0 = performance.now()
    const tally = await sendDueOffers(deps)
    const queueSeconds = (performance.now() - q0) / 1000
    if (tally.queued !== count) throw new Error(`queued ${tally.queued} of ${count}`)
    const payload = (await sql<{ payload: string }>`select payload from push_notifications limit 1`.execute(opened.db))
      .rows[0]!.payload
    // Two sender processes, started together, share the outbox until it is empty.
    const t0 = performance.now()
    const senders = [0, 1].map(() =>
      spawn(process.execPath, ['--import', 'tsx', 'bench/push-sender-pg.ts', database.url, dir], {
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    )
    const reports = (await Promise.all(senders.map(lineOf))).map((l) => JSON.parse(l) as { sent: number })
    const seconds = (performance.now() - t0) / 1000
    await Promise.all(senders.map((s) => (s.exitCode === null ? once(s, 'exit') : undefined)))
    const stats = (await (await fetch(`${base}/stats`)).json()) as { total: number; devices: number; twice: number }
    const { rows } = await sql<{ n: number }>`select count(*) as n from push_outbox where state = 'sent'`.execute(
      opened.db,
    )
    await opened.close()
    const sent = reports.reduce((n, r) => n + r.sent, 0)
    if (Number(rows[0]!.n) !== count || stats.devices !== count)
      throw new Error(`fan-out incomplete: ${rows[0]!.n} sent rows, ${stats.devices} devices reached`)
    return {
      sent,
      seconds,
      rate: sent / seconds,
      encryptRate: encryptionRate(payload, keys),
      perProcess: reports.map((r) => r.sent),
      twice: stats.twice,
      received: stats.total,
      queueSeconds,
    }
  } finally {
    endpoint.kill('SIGTERM')
    await database.drop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  console.log(JSON.stringify(await benchPushFanoutPg(Number(process.env.PUSH_FANOUT_PG_N ?? 5000)), null, 2))
}
