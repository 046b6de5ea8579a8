/**
 * A merchant's members and ledger at scale, written straight into SQLite (one transaction, checks
 * off): cohorts over 18 months growing towards `now`, visit habits from every few days to every few
 * months, members who stop early, a redemption every eighth visit. The dashboard and nightly-jobs
 * benchmarks share it. Entries carry their posting order (`seq`); with `expiry` each earn is a lot
 * with its expiry date, and the lot table (when the schema has one) says what is left of each.
 */
import type BetterSqlite3 from 'better-sqlite3'
import { newCardNumber, newId } from '../server/domain/ids.js'
import { DAY_MS } from '../server/domain/time.js'
import { prng } from '../server/seed/demo-history.js'

export interface GenerateOptions {
  members: number
  entries: number
  now: Date
  seed?: number
  /** When an earned lot expires (null: never); none given, no lot has a date. */
  expiry?: (earnedAt: Date) => string | null
  /** Share of members with a birthday (0 by default). */
  birthdays?: number
}

export interface Generated {
  written: number
  cardIds: string[]
  customerIds: string[]
}

export function generateLedger(s: BetterSqlite3.Database, merchantId: string, o: GenerateOptions): Generated {
  const rand = prng(o.seed ?? 6)
  const now = o.now.getTime()
  const hasLots =
    s.prepare("select 1 from sqlite_master where type = 'table' and name = 'point_lots'").get() !== undefined
  const hasSummaries =
    s.prepare("select 1 from sqlite_master where type = 'table' and name = 'card_summaries'").get() !== undefined
  let written = 0
  const cardIds: string[] = []
  const customerIds: string[] = []
  // Cards are written after their entries (with the final balance): checks are off for the bulk load.
  s.pragma('foreign_keys = OFF')
  s.transaction(() => {
    const cu = s.prepare('insert into customers (id, name, email, birthday, created_at) values (?, ?, ?, ?, ?)')
    const ca = s.prepare(
      'insert into cards (id, customer_id, merchant_id, card_number, totp_secret, balance, last_code_step, marketing_consent, signup_link_id, created_at, updated_at) values (?, ?, ?, ?, ?, ?, null, ?, null, ?, ?)',
    )
    const le = s.prepare(
      `insert into ledger_entries (id, card_id, merchant_id, kind, points, balance_after, reason, amount_minor, currency, staff_id, api_key_id, reverses_entry_id, lot_expires_at, program_version, expires_entry_id, idempotency_key, created_at, seq)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, null, null, null, ?, null, null, null, ?, ?)`,
    )
    const lot = hasLots
      ? s.prepare(
          'insert into point_lots (entry_id, card_id, merchant_id, seq, remaining, expires_at) values (?, ?, ?, ?, ?, ?)',
        )
      : null
    // As migration 0040 leaves a card it found: a summary stale at once, for the tier job's first run.
    const sm = hasSummaries
      ? s.prepare(
          "insert into card_summaries (card_id, merchant_id, program_version, status, stale_at, last_activity_at, idle_expiry_at, computed_at) values (?, ?, 0, 'null', '1970-01-01T00:00:00.000Z', ?, null, '1970-01-01T00:00:00.000Z')",
        )
      : null
    const su = s.prepare(
      'insert into push_subscriptions (id, customer_id, endpoint, p256dh, auth, user_agent, created_at, last_success_at) values (?, ?, ?, ?, ?, null, ?, null)',
    )
    // Habits: mean days between visits, and how long a member keeps coming (some stop early).
    const gaps = [3, 7, 7, 14, 14, 21, 30, 45, 60, 90]
    const perMember = o.entries / o.members
    for (let i = 0; i < o.members; i++) {
      const joinedAgo = Math.floor(540 * (1 - Math.sqrt(rand())))
      const joined = now - joinedAgo * DAY_MS - Math.floor(rand() * DAY_MS)
      const customerId = newId()
      const cardId = newId()
      const at = new Date(joined).toISOString()
      const birthday =
        o.birthdays && rand() < o.birthdays
          ? new Date(Date.UTC(1960 + Math.floor(rand() * 45), 0, 1) + Math.floor(rand() * 365) * DAY_MS)
              .toISOString()
              .slice(0, 10)
          : null
      cu.run(customerId, `Member ${i}`, `m${i}@bench.test`, birthday, at)
      const gap = gaps[Math.floor(rand() * gaps.length)]!
      const staysFor = rand() < 0.3 ? 540 : Math.floor(-Math.log(1 - rand()) * 200)
      let balance = 0
      let seq = 0
      let lastAt = 0
      // Lots still holding points, oldest first: redemptions spend them in this order.
      const open: { id: string; seq: number; remaining: number; expires: string | null }[] = []
      const earn = (t: number, amount: number) => {
        const points = Math.floor(amount / 100)
        balance += points
        lastAt = Math.max(lastAt, t)
        const id = newId()
        const expires = o.expiry ? o.expiry(new Date(t)) : null
        le.run(
          id,
          cardId,
          merchantId,
          'earn',
          points,
          balance,
          'Purchase',
          amount,
          'EUR',
          expires,
          new Date(t).toISOString(),
          ++seq,
        )
        open.push({ id, seq, remaining: points, expires })
      }
      const budget = Math.min(o.entries - written, Math.round(perMember * (i + 1)) - written + Math.floor(rand() * 3))
      let t = joined + Math.floor(rand() * Math.min(gap, 10) * DAY_MS)
      let n = 0
      let visits = 0
      while (n < budget && t < now) {
        if (t - joined > staysFor * DAY_MS && n > 0) break
        earn(t, 300 + Math.floor(rand() * 4700))
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
            null,
            new Date(t + 60_000).toISOString(),
            ++seq,
          )
          let debit = 40
          for (const l of open) {
            const take = Math.min(l.remaining, debit)
            l.remaining -= take
            debit -= take
            if (debit === 0) break
          }
          n++
        }
        t += Math.max(1, Math.round(gap * (0.5 + rand()))) * DAY_MS + Math.floor((rand() - 0.5) * 6 * 3_600_000)
      }
      // Members who stopped early still make up their share with rare recent visits (in time order).
      const late: number[] = []
      while (n + late.length < budget) {
        const when = now - Math.floor(rand() * Math.max(1, joinedAgo)) * DAY_MS - Math.floor(rand() * DAY_MS)
        late.push(Math.max(when, joined))
      }
      for (const when of late.sort((a, b) => a - b)) earn(when, 300 + Math.floor(rand() * 4700))
      n += late.length
      written += n
      if (lot)
        for (const l of open) if (l.remaining > 0) lot.run(l.id, cardId, merchantId, l.seq, l.remaining, l.expires)
      ca.run(cardId, customerId, merchantId, newCardNumber(), 'JBSWY3DPEHPK3PXP', balance, rand() < 0.6 ? 1 : 0, at, at)
      sm?.run(cardId, merchantId, lastAt ? new Date(lastAt).toISOString() : null)
      cardIds.push(cardId)
      customerIds.push(customerId)
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
  return { written, cardIds, customerIds }
}
