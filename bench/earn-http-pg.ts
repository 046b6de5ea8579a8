import { spawn } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { sql } from 'kysely'
import { loadConfig } from '../server/config.js'
import { migrate, openPgDb } from '../server/db/connection.js'
import { systemClock } from '../server/domain/clock.js'
import type { Deps } from '../server/services/common/deps.js'
import { median, run, type HttpResult } from './earn-http.js'
import { benchDatabase } from './pg.js'
import { seedPosMerchant } from './seed.js'

async function startServer(mode: 'real' | 'baseline', url: string, dir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/earn-server-pg.ts', mode, url, dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const [line] = (await once(readline.createInterface({ input: child.stdout }), 'line')) as [string]
  return { port: (JSON.parse(line) as { port: number }).port, stop: () => child.kill('SIGTERM') }
}

/** Two servers loaded at once, half the connections each: the sum of their rates and the worse latencies. */
async function runTwo(urls: [string, string], headers: Record<string, string>, cards: string[], seconds: number) {
  const [a, b] = await Promise.all(urls.map((u) => run(u, headers, cards, true, seconds, 16)))
  return {
    rps: a!.rps + b!.rps,
    p50: Math.max(a!.p50, b!.p50),
    p99: Math.max(a!.p99, b!.p99),
    errors: a!.errors + b!.errors,
    non2xx: a!.non2xx + b!.non2xx,
  } satisfies HttpResult
}

export interface EarnPgBench {
  one: HttpResult
  two: HttpResult
  baseline: HttpResult
  oneRatio: number
  twoOverOne: number
  rounds: { baseline: number; one: number; two: number }[]
  entries: number
  unbalanced: number
}

/**
 * POS earns over HTTP on PostgreSQL: the whole app in one process and in two processes (each with
 * its pool, 16 connections each), beside a bare Node + pg route doing the same insert and update
 * in one transaction, all at 32 connections, in alternating rounds (medians; see earn-http.ts).
 * Afterwards every card's balance is checked against its ledger: the speed must not cost that.
 */
export async function benchEarnHttpPg(secondsPerRound = 3, rounds = 4): Promise<EarnPgBench> {
  const database = await benchDatabase('lw_bench_earn')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-bench-pg-'))
  const servers: Array<{ stop(): void }> = []
  try {
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, DATABASE_URL: database.url })
    const opened = await openPgDb(database.url)
    await migrate(opened.db)
    const deps: Deps = { db: opened.db, clock: systemClock, config, setupToken: null }
    const seeded = await seedPosMerchant(deps, 500)
    const { key } = seeded
    const cards = seeded.cards.map((c) => c.cardNumber)
    const base = await startServer('baseline', database.url, dir)
    const one = await startServer('real', database.url, dir)
    const other = await startServer('real', database.url, dir)
    servers.push(base, one, other)
    const baseUrl = `http://127.0.0.1:${base.port}/earn`
    const earn = (s: { port: number }) => `http://127.0.0.1:${s.port}/api/pos/v1/earn`
    const auth = { authorization: `Bearer ${key}` }
    await run(baseUrl, {}, cards, false, 2) // warm-up
    await runTwo([earn(one), earn(other)], auth, cards, 2)
    const rows: { baseline: HttpResult; one: HttpResult; two: HttpResult }[] = []
    for (let i = 0; i < rounds; i++) {
      const baseline = await run(baseUrl, {}, cards, false, secondsPerRound)
      const single = await run(earn(one), auth, cards, true, secondsPerRound)
      const two = await runTwo([earn(one), earn(other)], auth, cards, secondsPerRound)
      rows.push({ baseline, one: single, two })
    }
    const { rows: counted } = await sql<{ n: number }>`select count(*) as n from ledger_entries`.execute(opened.db)
    const { rows: bad } = await sql<{ n: number }>`
      select count(*) as n from (select c.id from cards c left join ledger_entries e on e.card_id = c.id
       group by c.id, c.balance having c.balance <> coalesce(sum(e.points), 0)) x`.execute(opened.db)
    await opened.close()
    const by = (k: 'baseline' | 'one' | 'two') =>
      median(
        rows.map((r) => r[k]),
        (r) => r.rps,
      )
    return {
      baseline: by('baseline'),
      one: by('one'),
      two: by('two'),
      oneRatio: median(
        rows.map((r) => r.one.rps / r.baseline.rps),
        (x) => x,
      ),
      twoOverOne: median(
        rows.map((r) => r.two.rps / r.one.rps),
        (x) => x,
      ),
      rounds: rows.map((r) => ({
        baseline: Math.round(r.baseline.rps),
        one: Math.round(r.one.rps),
        two: Math.round(r.two.rps),
      })),
      entries: Number(counted[0]!.n),
      unbalanced: Number(bad[0]!.n),
    }
  } finally {
    for (const s of servers) s.stop()
    await new Promise((r) => setTimeout(r, 300))
    await database.drop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  console.log(JSON.stringify(await benchEarnHttpPg(), null, 2))
}
