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
import { newCardNumber, newId } from '../server/domain/ids.js'
import type { Deps } from '../server/services/common/deps.js'
import { prng } from '../server/seed/demo-history.js'
import { dashboard, segmentPage } from '../server/services/insights/dashboard.js'
import { createMerchant } from '../server/services/console/setup.js'
import { DAY_MS } from '../server/domain/time.js'

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
    const rand = prng(6)
    const g0 = performance.now()
    let written = 0
    // Cards are written after their entries (with the final balance): checks are off for the bulk load.
    s.pragma('foreign_keys = OFF')
    s.transaction(() => {
      const cu = s.prepare('insert into customers (id, name, email, birthday, created_at) values (?, ?, ?, null, ?)')
      const ca = s.prepare(
        'insert into cards (id, customer_id, merchant_id, card_number, totp_secret, balance, last_code_step, marketing_consent, signup_link_id, created_at, updated_at) values (?, ?, ?, ?, ?, ?, null, ?, null, ?, ?)',
      )
      const le = s.prepare(
        `insert into ledger_entries (id, card_id, merchant_id, kind, points, balance_after, reason, amount_minor, currency, staff_id, api_key_id, reverses_entry_id, lot_expires_at, program_version, expires_entry_id, idempotency_key, created_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, null, null, null, null, null, null, null, ?)`,
      )
      const su = s.prepare(
        'insert into push_subscriptions (id, customer_id, endpoint, p256dh, auth, user_agent, created_at, last_success_at) values (?, ?, ?, ?, ?, null, ?, null)',
      )
      // Habits: mean days between visits, and how long a member keeps coming (some stop early).
      const gaps = [3, 7, 7, 14, 14, 21, 30, 45, 60, 90]
      const perMember = entries / members
      for (let i = 0; i < members; i++) {
        // Cohorts over 18 months, growing towards now.
        const joinedAgo = Math.floor(540 * (1 - Math.sqrt(rand())))
        const joined = NOW.getTime() - joinedAgo * DAY_MS - Math.floor(rand() * DAY_MS)
        const customerId = newId()
        const cardId = newId()
        const at = new Date(joined).toISOString()
        cu.run(customerId, `Member ${i}`, `m${i}@bench.test`, at)
        const gap = gaps[Math.floor(rand() * gaps.length)]!
        const staysFor = rand() < 0.3 ? 540 : Math.floor(-Math.log(1 - rand()) * 200)
        let balance = 0
        // Entries left for this and the following members, spread evenly with the habit's noise.
        const budget = Math.min(entries - written, Math.round(perMember * (i + 1)) - written + Math.floor(rand() * 3))
        let t = joined + Math.floor(rand() * Math.min(gap, 10) * DAY_MS)
        let n = 0
        let visits = 0
        while (n < budget && t < NOW.getTime()) {
          if (t - joined > staysFor * DAY_MS && n > 0) break
          const amount = 300 + Math.floor(rand() * 4700)
          const points = Math.floor(amount / 100)
          balance += points
          le.run(
            newId(),
            cardId,
            merchantId,
            'earn',
            points,
            balance,
            'Purchase',
            amount,
            'EUR',
            new Date(t).toISOString(),
          )
          n++
          visits++
          if (visits % 8 === 0 && n < budget && balance >= 40) {
            balance -= 40
            le.run(
              newId(),
              cardId,
              merchantId,
              'redeem',
              -40,
              balance,
              'Croissant',
              null,
              null,
              new Date(t + 60_000).toISOString(),
            )
            n++
          }
          t += Math.max(1, Math.round(gap * (0.5 + rand()))) * DAY_MS + Math.floor((rand() - 0.5) * 6 * 3_600_000)
        }
        // Members who stopped early still make up their share with rare recent visits.
        while (n < budget) {
          const when =
            NOW.getTime() - Math.floor(rand() * Math.max(1, joinedAgo)) * DAY_MS - Math.floor(rand() * DAY_MS)
          const amount = 300 + Math.floor(rand() * 4700)
          balance += Math.floor(amount / 100)
          le.run(
            newId(),
            cardId,
            merchantId,
            'earn',
            Math.floor(amount / 100),
            balance,
            'Purchase',
            amount,
            'EUR',
            new Date(Math.max(when, joined)).toISOString(),
          )
          n++
        }
        written += n
        ca.run(
          cardId,
          customerId,
          merchantId,
          newCardNumber(),
          'JBSWY3DPEHPK3PXP',
          balance,
          rand() < 0.6 ? 1 : 0,
          at,
          at,
        )
        if (rand() < 0.15)
          su.run(
            newId(),
            customerId,
            `https://push.example.test/${i}`,
            'p256dh-key-bench-0123456789',
            'auth-key-bench',
            at,
          )
      }
    })()
    s.pragma('foreign_keys = ON')
    s.exec('analyze')
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
