/**
 * nightly-jobs: one hourly run of the program jobs (expiry, tier re-evaluation, birthday bonuses) on a
 * merchant with 100,000 members and 2,000,000 entries (the dashboard benchmark's generator, with a
 * 12-month expiry on every earn, Silver and Gold tiers over a rolling 12 months, and birthdays for
 * 70 % of members). The steady-state run (an hour later, across the merchant's local midnight, so a
 * new day of birthdays is due) is reported beside the first catch-up run on the same data, which finds
 * everything due since the history began. The jobs run inside a server process while a member's card
 * read is measured (32 connections), idle and during the catch-up: the p99 the jobs cost a request.
 * The steady state is measured again at 200,000 members and 4,000,000 entries.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { loadConfig } from '../server/config.js'
import { migrate, openDb, writeTx } from '../server/db/connection.js'
import { insertProgramVersion } from '../server/db/queries/merchants.js'
import { lotExpiry } from '../server/domain/expiry.js'
import { newId, randomToken, sha256 } from '../server/domain/ids.js'
import { defaultRules } from '../server/domain/program-rules.js'
import { createMerchant } from '../server/services/console/setup.js'
import { get } from './card-read-http.js'
import type { HttpResult } from './earn-http.js'
import { generateLedger } from './generate.js'

/** 23:30 in Warsaw: the hour after it crosses the merchant's midnight. */
export const NIGHTLY_NOW = new Date('2026-03-10T22:30:00Z')
const HOUR = 3_600_000
const TZ = 'Europe/Warsaw'

export const NIGHTLY_RULES = defaultRules({
  pointsPerUnit: 1,
  unitMinor: 100,
  tiers: [
    { name: 'Silver', threshold: 250, multiplier: 1.25, perks: 'Free oat milk' },
    { name: 'Gold', threshold: 750, multiplier: 1.5, perks: 'Free refill' },
  ],
  tierWindow: { kind: 'rolling', months: 12 },
  tierGraceDays: 30,
  expiry: { mode: 'afterEarn', months: 12, roundTo: 'none' },
  birthdayBonus: 25,
  birthdayWindowDays: 7,
})

type JobTimes = Record<'expirePoints' | 'reevaluateTiers' | 'grantBirthdayBonuses', { ms: number; result: unknown }>

export interface NightlyScale {
  members: number
  entries: number
  generateSeconds: number
  catchUp: JobTimes
  steady: JobTimes
  catchUpMs: number
  steadyMs: number
}

export interface NightlyBench {
  scales: NightlyScale[]
  /** The card read idle and while the catch-up run works (first scale only). */
  idle: HttpResult
  duringCatchUp: HttpResult
}

/** Generates the merchant into a new data directory; returns it with a member's session cookie and card. */
async function prepare(members: number, entries: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-bench-nightly-'))
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dir })
  const opened = openDb(config.dbFile)
  await migrate(opened.db)
  const created = new Date(NIGHTLY_NOW.getTime() - 600 * 24 * HOUR)
  const { merchantId } = await createMerchant(
    opened.db,
    {
      slug: 'bench',
      name: 'Bench Café',
      currency: 'EUR',
      timezone: TZ,
      brandColor: '#123456',
      owner: { name: 'O', email: 'o@bench.test', password: 'bench-password-123' },
    },
    created,
  )
  await writeTx(opened.db, (tx) =>
    insertProgramVersion(tx, {
      id: newId(),
      merchant_id: merchantId,
      version: 2,
      points_per_unit: 1,
      unit_minor: 100,
      rounding: 'floor',
      rules: JSON.stringify(NIGHTLY_RULES),
      effective_from: created.toISOString(),
      created_at: created.toISOString(),
    }),
  )
  const g0 = performance.now()
  const gen = generateLedger(opened.sqlite, merchantId, {
    members,
    entries,
    now: NIGHTLY_NOW,
    expiry: (at) => lotExpiry(at, NIGHTLY_RULES.expiry, TZ),
    birthdays: 0.7,
  })
  const generateSeconds = (performance.now() - g0) / 1000
  const token = randomToken()
  const at = NIGHTLY_NOW.toISOString()
  opened.sqlite
    .prepare(
      "insert into sessions (id, token_hash, kind, customer_id, staff_id, user_agent, created_at, last_seen_at, expires_at) values (?, ?, 'customer', ?, null, 'bench', ?, ?, ?)",
    )
    .run(newId(), sha256(token), gen.customerIds[0], at, '2099-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z')
  await opened.close()
  return { dir, cookie: `lw_c=${token}`, cardId: gen.cardIds[0]!, written: gen.written, generateSeconds }
}

async function startJobsServer(dir: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/nightly-server.ts', dir, NIGHTLY_NOW.toISOString()],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  )
  const lines = readline.createInterface({ input: child.stdout })
  const waiting: ((line: string) => void)[] = []
  lines.on('line', (line) => {
    if (line.startsWith('READY ') || line.startsWith('RESULT ')) waiting.shift()?.(line)
    else console.log(`    ${line}`)
  })
  const next = () => new Promise<string>((resolve) => waiting.push(resolve))
  const ready = JSON.parse((await next()).slice(6)) as { port: number }
  return {
    port: ready.port,
    async run(at: Date): Promise<JobTimes> {
      const result = next()
      child.stdin.write(`run ${at.toISOString()}\n`)
      return JSON.parse((await result).slice(7)) as JobTimes
    },
    async stop() {
      child.stdin.end()
      if (child.exitCode === null) await once(child, 'exit')
    },
  }
}

const total = (t: JobTimes) => Object.values(t).reduce((s, j) => s + j.ms, 0)

async function scale(members: number, entries: number, measureReads: boolean) {
  console.log(`  nightly-jobs: generating ${members} members, ${entries} entries…`)
  const p = await prepare(members, entries)
  const server = await startJobsServer(p.dir)
  try {
    const cardUrl = `http://127.0.0.1:${server.port}/api/me/cards/${p.cardId}`
    const headers = { cookie: p.cookie }
    let idle: HttpResult | undefined
    let during: HttpResult | undefined
    let catchUp: JobTimes
    if (measureReads) {
      await get(cardUrl, headers, 2)
      idle = await get(cardUrl, headers, 5)
      const run = server.run(NIGHTLY_NOW)
      during = await get(cardUrl, headers, 10)
      catchUp = await run
    } else {
      catchUp = await server.run(NIGHTLY_NOW)
    }
    console.log(`  catch-up ${total(catchUp).toFixed(0)} ms: ${JSON.stringify(catchUp)}`)
    const steady = await server.run(new Date(NIGHTLY_NOW.getTime() + HOUR))
    console.log(`  steady state ${total(steady).toFixed(0)} ms: ${JSON.stringify(steady)}`)
    const s: NightlyScale = {
      members,
      entries: p.written,
      generateSeconds: p.generateSeconds,
      catchUp,
      steady,
      catchUpMs: total(catchUp),
      steadyMs: total(steady),
    }
    return { s, idle, during }
  } finally {
    await server.stop()
    fs.rmSync(p.dir, { recursive: true, force: true })
  }
}

export async function benchNightlyJobs(
  sizes: { members: number; entries: number }[] = [
    { members: 100_000, entries: 2_000_000 },
    { members: 200_000, entries: 4_000_000 },
  ],
): Promise<NightlyBench> {
  const first = await scale(sizes[0]!.members, sizes[0]!.entries, true)
  const scales = [first.s]
  for (const z of sizes.slice(1)) scales.push((await scale(z.members, z.entries, false)).s)
  return { scales, idle: first.idle!, duringCatchUp: first.during! }
}

if (process.argv[1]?.endsWith('nightly-jobs.ts')) {
  const m = Number(process.env.NIGHTLY_MEMBERS ?? 100_000)
  const e = Number(process.env.NIGHTLY_ENTRIES ?? 2_000_000)
  const sizes = [{ members: m, entries: e }]
  if (process.env.NIGHTLY_SECOND !== '0') sizes.push({ members: m * 2, entries: e * 2 })
  console.log(JSON.stringify(await benchNightlyJobs(sizes), null, 2))
}
