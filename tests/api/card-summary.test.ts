import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CardStatus, ProgramRulesInput } from '../../server/contract/program.js'
import { writeTx } from '../../server/db/connection.js'
import { nextExpiry, replayLots } from '../../server/domain/expiry.js'
import { earnedInWindow, nextTier, retentionGoal, tierIndex, windowStart } from '../../server/domain/tiers.js'
import { DAY_MS } from '../../server/domain/time.js'
import { programContext } from '../../server/services/program/engine.js'
import { expirePoints, grantBirthdayBonuses, reevaluateTiers } from '../../server/services/program/jobs.js'
import { idemKey, joinedCustomer, merchantWithOwner, scan, staffClient } from '../helpers/factories.js'
import { all, get } from '../helpers/db.js'
import { makeTestApp, type TestApp, type TestClient } from '../helpers/test-app.js'

/*
 * The card screen reads what the write path keeps (point_lots, card_summaries, migration 0040)
 * instead of replaying the ledger. These tests replay the ledger the old way, from nothing but its
 * rows, after every kind of write and job, and require the kept data and the card read to agree.
 */

let t: TestApp
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(() => t.close())

interface Entry {
  id: string
  kind: string
  points: number
  created_at: string
  lot_expires_at: string | null
  expires_entry_id: string | null
  reverses_entry_id: string | null
}

/** The card's status from its whole ledger and tier row, as the card read computed it before 0040. */
async function statusFromLedger(
  cardId: string,
  merchantId: string,
  now = t.clock.now(),
): Promise<Omit<CardStatus, 'referralCode'>> {
  const { rules, merchant } = await programContext(t.db, merchantId, now)
  const tz = merchant.timezone
  const ledger = await all<Entry>(t.db, 'select * from ledger_entries where card_id = ? order by seq', cardId)
  const kindOf = new Map(ledger.map((e) => [e.id, e.kind]))
  const counts = (e: Entry) =>
    ['earn', 'bonus'].includes(e.kind) ||
    (e.kind === 'reversal' && ['earn', 'bonus'].includes(kindOf.get(e.reverses_entry_id ?? '') ?? ''))
  const since = windowStart(now, rules.tierWindow, tz).toISOString()
  const earnings = ledger
    .filter((e) => counts(e) && e.created_at > since)
    .map((e) => ({ points: e.points, at: e.created_at }))
  const earned = earnedInWindow(earnings, now, rules.tierWindow, tz)
  const row = await get<{ tier: string; below_since: string | null }>(
    t.db,
    'select tier, below_since from card_tiers where card_id = ?',
    cardId,
  )
  const current = tierIndex(row?.tier, rules.tiers)
  const tier = rules.tiers[current] ?? null
  const lots = replayLots(
    ledger.map((e) => ({
      id: e.id,
      kind: e.kind,
      points: e.points,
      createdAt: e.created_at,
      lotExpiresAt: e.lot_expires_at,
      expiresEntryId: e.expires_entry_id,
    })),
  )
  const last = ledger.filter((e) => e.kind !== 'expire').at(-1)?.created_at ?? null
  return {
    tier: tier ? { name: tier.name, multiplier: tier.multiplier, perks: tier.perks } : null,
    earnedInWindow: earned,
    next: nextTier(earned, current, rules.tiers),
    retain: retentionGoal(
      earnings,
      current,
      rules.tiers,
      rules.tierWindow,
      now,
      tz,
      row?.below_since ?? null,
      rules.tierGraceDays,
    ),
    nextExpiry: nextExpiry(lots, now, rules.expiry, last, tz),
  }
}

/**
 * Every card: its balance is its ledger's sum, its lots are the FIFO replay's remainders, the card
 * read shows the status its ledger gives, and (`fresh`: right after writes) its kept summary is the
 * status its ledger gave when it was made, under the rules then in force.
 */
async function expectCardsMatchLedger(members: Map<string, TestClient>, fresh: boolean) {
  const cards = await all<{ id: string; merchant_id: string; balance: number }>(
    t.db,
    'select id, merchant_id, balance from cards order by id',
  )
  expect(cards.length).toBe(members.size)
  for (const card of cards) {
    const ledger = await all<Entry>(t.db, 'select * from ledger_entries where card_id = ? order by seq', card.id)
    expect(card.balance).toBe(ledger.reduce((s, e) => s + e.points, 0))
    const replayed = replayLots(
      ledger.map((e) => ({
        id: e.id,
        kind: e.kind,
        points: e.points,
        createdAt: e.created_at,
        lotExpiresAt: e.lot_expires_at,
        expiresEntryId: e.expires_entry_id,
      })),
    )
      .filter((l) => l.remaining > 0)
      .map((l) => ({ entry_id: l.id, remaining: l.remaining, expires_at: l.expiresAt }))
    const kept = await all(
      t.db,
      'select entry_id, remaining, expires_at from point_lots where card_id = ? order by seq',
      card.id,
    )
    expect(kept, `lots of ${card.id}`).toEqual(replayed)

    const expected = await statusFromLedger(card.id, card.merchant_id)
    const read = await members.get(card.id)!.get(`/api/me/cards/${card.id}`)
    expect(read.status).toBe(200)
    const { referralCode: _, ...shown } = read.body.card.status as CardStatus
    expect(shown, `card read of ${card.id}`).toEqual(expected)
    expect(read.body.card.balance).toBe(card.balance)

    if (!fresh) continue
    const s = await get<{ program_version: number; status: string; computed_at: string }>(
      t.db,
      'select program_version, status, computed_at from card_summaries where card_id = ?',
      card.id,
    )
    const made = new Date(s!.computed_at)
    const { version } = await programContext(t.db, card.merchant_id, made)
    expect(s!.program_version, `summary of ${card.id} made under the rules in force`).toBe(version)
    // What the ledger gave when the summary was made (the clock has moved on since: scans take time).
    expect(JSON.parse(s!.status), `kept summary of ${card.id}`).toEqual(
      await statusFromLedger(card.id, card.merchant_id, made),
    )
  }
}

const rules: Partial<ProgramRulesInput> = {
  tiers: [
    { name: 'Silver', threshold: 20, multiplier: 1 },
    { name: 'Gold', threshold: 50, multiplier: 1.5, perks: 'Free refill' },
  ],
  tierWindow: { kind: 'rolling', months: 1 },
  tierGraceDays: 10,
  expiry: { mode: 'afterEarn', months: 2, roundTo: 'none' },
  birthdayBonus: 15,
  birthdayWindowDays: 3,
}

async function setRules(owner: TestClient, r: Partial<ProgramRulesInput>) {
  const res = await owner.req('PUT', '/api/merchant/program', { rules: { pointsPerUnit: 1, unitMinor: 100, ...r } })
  expect(res.status).toBe(200)
}

describe('the card summary and lots', () => {
  it('equal what the ledger gives after earns, spending, an undo, birthdays, expiry and tier moves', async () => {
    const m = await merchantWithOwner(t)
    await setRules(m.owner, rules)
    const ada = await joinedCustomer(t, m.slug, 'Ada')
    const bo = await joinedCustomer(t, m.slug, 'Bo')
    const members = new Map([
      [ada.card.id, ada.client],
      [bo.card.id, bo.client],
    ])
    expect((await ada.client.req('PUT', '/api/me/birthday', { birthday: '1990-03-12' })).status).toBe(200)
    await expectCardsMatchLedger(members, true)

    let owner = m.owner
    const award = async (card: typeof ada.card, amountMinor: number) => {
      const handle = await scan(t, owner, card)
      const res = await owner.post('/api/staff/earn', { handle, amountMinor }, { 'idempotency-key': idemKey() })
      expect(res.status).toBe(201)
      return { handle, entryId: res.body.entry.id as string }
    }
    await award(ada.card, 3000) // Silver
    await award(bo.card, 1200)
    const last = await award(ada.card, 4000) // Gold
    await expectCardsMatchLedger(members, true)
    // The last award undone: the card falls back below Gold (the tier stays: moves down wait for the job).
    const undo = await owner.post(
      '/api/staff/undo',
      { handle: last.handle, entryId: last.entryId },
      { 'idempotency-key': idemKey() },
    )
    expect(undo.status).toBe(201)
    const handle = await scan(t, owner, bo.card)
    const spent = await owner.post(
      '/api/staff/adjust',
      { handle, points: -5, reason: 'Spent at the counter' },
      { 'idempotency-key': idemKey() },
    )
    expect(spent.status).toBe(201)
    await expectCardsMatchLedger(members, true)

    expect(await grantBirthdayBonuses(t.deps)).toBe(1)
    expect(await grantBirthdayBonuses(t.deps)).toBe(0)
    await expectCardsMatchLedger(members, true)

    // Three weeks on: nothing written, yet the read still agrees (a summary past its date is not shown).
    t.clock.advance(21 * DAY_MS)
    owner = await staffClient(
      t,
      (await get<{ email: string }>(t.db, 'select email from staff where id = ?', m.ownerId))!.email,
    )
    await award(bo.card, 900)
    await expectCardsMatchLedger(members, false)
    // Ada fell below Gold with the undo: the grace period starts (a move waits for its end).
    expect(await reevaluateTiers(t.deps)).toBe(0)
    expect(await get(t.db, 'select tier from card_tiers where card_id = ?', ada.card.id)).toMatchObject({
      tier: 'Gold',
    })
    await expectCardsMatchLedger(members, true)

    // Past the first lots' expiry, the tier window and the grace period: points expire, Ada drops.
    t.clock.advance(45 * DAY_MS)
    await expectCardsMatchLedger(members, false)
    expect(await expirePoints(t.deps)).toBeGreaterThan(0)
    expect(await expirePoints(t.deps)).toBe(0)
    await expectCardsMatchLedger(members, true)
    expect(await reevaluateTiers(t.deps)).toBe(1)
    expect(await reevaluateTiers(t.deps)).toBe(0)
    await expectCardsMatchLedger(members, true)
    expect(await all(t.db, 'select tier from card_tiers where card_id = ?', ada.card.id)).toEqual([])
  })

  it('shows the ledger status for cards whose summary predates the rules, and the tier job makes it again', async () => {
    const m = await merchantWithOwner(t)
    await setRules(m.owner, rules)
    const ada = await joinedCustomer(t, m.slug, 'Ada')
    const members = new Map([[ada.card.id, ada.client]])
    const handle = await scan(t, m.owner, ada.card)
    await m.owner.post('/api/staff/earn', { handle, amountMinor: 2500 }, { 'idempotency-key': idemKey() })
    // As migration 0040 leaves every card it found: a summary never computed.
    await writeTx(t.db, (tx) =>
      tx
        .updateTable('card_summaries')
        .set({ program_version: 0, status: 'null', stale_at: '1970-01-01T00:00:00.000Z' })
        .execute(),
    )
    await expectCardsMatchLedger(members, false)
    await reevaluateTiers(t.deps)
    await expectCardsMatchLedger(members, true)

    // New rules (a new version): the kept summary is not shown, and the next tier run makes it again.
    await setRules(m.owner, { ...rules, tiers: [{ name: 'Bronze', threshold: 10, multiplier: 1 }] })
    await expectCardsMatchLedger(members, false)
    await reevaluateTiers(t.deps)
    await expectCardsMatchLedger(members, true)
  })
})
