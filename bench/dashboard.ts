/**
 * The insights dashboard (figures + segment counts) for a merchant with 100,000 members and
 * 2,000,000 ledger entries, beside a baseline measured in the same run: one aggregate SQL pass over
 * the merchant's ledger (count, sum, max per card).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig } from '../server/config.js'
import { migrate, openDb } from '../server/db/connection.js'
import { FixedClock } from '../server/domain/clock.js'
import type { Deps } from '../server/services/common/deps.js'
import { dashboard, segmentPage } from '../server/services/insights/dashboard.js'
import { createMerchant } from '../server/services/console/setup.js'
import { generateLedger } from './generate.js'

export interface DashboardBench {
  members: number
  entries: number
  generateSeconds: number
  /** The first read, which builds the summaries from the whole ledger. */
  buildSeconds: number
  /** The first read in a new process, summaries built but not in memory yet. */
  coldMs: number
  dashboardMs: number
  segmentPageMs: number
  baselineMs: number
  runs: number
}

const NOW = new Date('2026-03-10T12:00:00Z')

async function best(runs: number, fn: () => unknown): Promise<number> {
  let min = Infinity
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await fn()
    min = Math.min(min, performance.now() - t0)
  }
  return min
}

export async function benchDashboard(members = 100_000, entries = 2_000_000, runs = 3): Promise<DashboardBench> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-bench-dash-'))
  try {
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dir })
    const opened = openDb(config.dbFile)
    await migrate(opened.db)
    const clock = new FixedClock(NOW)
    const deps: Deps = { db: opened.db, clock, config, setupToken: null }
    const { merchantId } = await createMerchant(
      opened.db,
      {
        slug: 'bench',
        name: 'Bench Café',
        currency: 'EUR',
        timezone: 'Europe/Warsaw',
        brandColor: '#123456',
        owner: { name: 'O', email: 'o@bench.test', password: 'bench-password-123' },
      },
      clock.now(),
    )
    const s = opened.sqlite
    const g0 = performance.now()
    const { written } = generateLedger(s, merchantId, { members, entries, now: NOW })
    const generateSeconds = (performance.now() - g0) / 1000

    const baselineStmt = s.prepare(
      'select card_id, count(*) n, sum(amount_minor) spend, max(created_at) last from ledger_entries where merchant_id = ? group by card_id',
    )
    const baselineMs = await best(runs, () => baselineStmt.all(merchantId))
    // The first read builds the summaries from the whole ledger (once per merchant, in chunks).
    const c0 = performance.now()
    await dashboard(deps, merchantId)
    const buildSeconds = (performance.now() - c0) / 1000
    const dashboardMs = await best(runs, () => dashboard(deps, merchantId))
    // A new process: the summaries are built but not yet in memory (every card's row is read once).
    const second = openDb(config.dbFile)
    const c1 = performance.now()
    await dashboard({ ...deps, db: second.db }, merchantId)
    const coldMs = performance.now() - c1
    await second.close()
    const segmentPageMs = await best(runs, () => segmentPage(deps, merchantId, 'at_risk', { limit: 50, offset: 0 }))
    const d = await dashboard(deps, merchantId)
    console.log(
      `  segments ${JSON.stringify(d.segments)}, retention ${d.retention?.toFixed(3)}, active30 ${d.active30}`,
    )
    await opened.close()
    return {
      members,
      entries: written,
      generateSeconds,
      buildSeconds,
      coldMs,
      dashboardMs,
      segmentPageMs,
      baselineMs,
      runs,
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const r = await benchDashboard(
    Number(process.env.DASHBOARD_MEMBERS ?? 100_000),
    Number(process.env.DASHBOARD_ENTRIES ?? 2_000_000),
  )
  console.log(JSON.stringify(r, null, 2))
}
