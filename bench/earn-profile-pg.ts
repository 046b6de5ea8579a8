/**
 * Per-earn costs on PostgreSQL, without HTTP or the load generator in the way: the app's POS earn
 * and the bare insert+update route (earn-server-pg.ts) each run N earns in this process through
 * their fetch handlers, 8 at a time, and report statements and socket writes (round trips) to
 * PostgreSQL, this process's CPU per earn and PostgreSQL's (its server processes on this database,
 * read from /proc: the same machine). The machine's speed drifts; these two figures do not.
 *
 *   TEST_DATABASE_URL=postgres://… npx tsx bench/earn-profile-pg.ts [N] [--sql]
 *
 * --sql prints the statements of one earn; --app measures the app alone (for --cpu-prof).
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { createApp } from '../server/app.js'
import { loadConfig } from '../server/config.js'
import { migrate, openPgDb } from '../server/db/connection.js'
import { systemClock } from '../server/domain/clock.js'
import type { Deps } from '../server/services/common/deps.js'
import { bareEarnHandler } from './earn-server-pg.js'
import { benchDatabase } from './pg.js'
import { seedPosMerchant } from './seed.js'

const n = Number(process.argv[2] ?? 2000)
const showSql = process.argv.includes('--sql')

let statements = 0
let log: string[] | null = null
const query = pg.Client.prototype.query
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements++
  if (log) log.push(typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string }).text))
  return (query as (...a: unknown[]) => unknown).apply(this, args)
} as typeof query

// Writes to PostgreSQL's sockets (one per flush: pg corks the messages of one statement).
let writes = 0
let pgPort = 0
const sock = net.Socket.prototype as unknown as Record<
  '_write' | '_writev',
  (this: net.Socket, ...a: unknown[]) => void
>
for (const m of ['_write', '_writev'] as const) {
  const orig = sock[m]
  sock[m] = function (this: net.Socket, ...a: unknown[]) {
    if (this.remotePort === pgPort) writes++
    return orig.apply(this, a)
  }
}

const database = await benchDatabase('lw_bench_profile')
pgPort = Number(new URL(database.url).port || 5432)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-bench-prof-'))
try {
  const opened = await openPgDb(database.url, { poolSize: 10 })
  await migrate(opened.db)
  const config = loadConfig({
    NODE_ENV: 'production',
    PUBLIC_URL: 'https://bench.invalid',
    VAPID_SUBJECT: 'mailto:bench@example.com',
    DATA_DIR: dir,
    DATABASE_URL: database.url,
  })
  const deps: Deps = { db: opened.db, clock: systemClock, config, setupToken: null }
  const seeded = await seedPosMerchant(deps, 100)
  const { key } = seeded
  const cards = seeded.cards.map((c) => c.cardNumber)
  const app = createApp(deps).fetch
  const bare = await bareEarnHandler(database.url, 10)

  let k = 0
  const appEarn = (i: number) =>
    app(
      new Request('http://bench.invalid/api/pos/v1/earn', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${key}`,
          'idempotency-key': `profile-${k++}`,
        },
        body: JSON.stringify({ cardNumber: cards[i % cards.length], amountMinor: 1250 }),
      }),
    )
  const bareEarn = (i: number) =>
    bare(
      new Request('http://bench.invalid/earn', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ cardNumber: cards[i % cards.length], amountMinor: 1250 }),
      }),
    )
  // PostgreSQL's side: CPU of the server processes on this database (same machine), from /proc.
  const admin = new pg.Client({ connectionString: database.url })
  await admin.connect()
  const pgCpuUs = async () => {
    const { rows } = await admin.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    )
    let ticks = 0
    for (const { pid } of rows) {
      try {
        const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
        ticks += Number(f[11]) + Number(f[12]) // utime, stime
      } catch {
        // gone
      }
    }
    return (ticks * 1e6) / 100 // USER_HZ
  }
  async function measure(name: string, earn: (i: number) => Promise<Response> | Response) {
    const r = await earn(0)
    if (r.status !== 201) throw new Error(`${name}: ${r.status} ${await r.text()}`)
    log = []
    statements = 0
    await earn(1)
    if (showSql) console.log(`${name}, one earn:\n  ${log.join('\n  ')}`)
    log = null
    for (let i = 0; i < 300; i++) await earn(i) // warm-up
    statements = 0
    writes = 0
    const pgBefore = await pgCpuUs()
    const cpu = process.cpuUsage()
    const t = performance.now()
    let next = 0
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < n) {
          const res = await earn(next++)
          if (res.status !== 201) throw new Error(`${name}: ${res.status}`)
          await res.arrayBuffer()
        }
      }),
    )
    const ms = performance.now() - t
    const used = process.cpuUsage(cpu)
    const pgUsed = (await pgCpuUs()) - pgBefore
    const r2 = {
      statementsPerEarn: statements / n,
      writesPerEarn: writes / n,
      cpuUsPerEarn: Math.round((used.user + used.system) / n),
      pgCpuUsPerEarn: Math.round(pgUsed / n),
      earnsPerSecond: Math.round(n / (ms / 1000)),
    }
    console.log(`${name.padEnd(9)} ${JSON.stringify(r2)}`)
    return r2
  }
  const appOnly = process.argv.includes('--app')
  for (let i = 0; i < Number(process.env.PROFILE_ROUNDS ?? 2); i++) {
    if (!appOnly) await measure('baseline', bareEarn)
    await measure('app', appEarn)
  }
  await admin.end()
  await opened.close()
} catch (err) {
  console.error(err)
  process.exitCode = 1
} finally {
  await database.drop()
  fs.rmSync(dir, { recursive: true, force: true })
  process.exit(0)
}
