import { writeTx, type Db } from '../../db/connection.js'
import { lockedCardById } from '../../db/queries/cards.js'
import { allMerchants, cardTier, setBelowSince } from '../../db/queries/program.js'
import {
  birthdayGrantsOf,
  cardsIdleDue,
  cardsWithBirthdayOn,
  cardsWithLotsDue,
  outdatedSummaries,
  openLotsWithDates,
  staleSummaries,
  summaryLastActivity,
} from '../../db/queries/summaries.js'
import { birthdayDaysNear, birthdayYear } from '../../domain/bonuses.js'
import { dueLots } from '../../domain/expiry.js'
import { qualifyingTier, reevaluationDecision, tierIndex } from '../../domain/tiers.js'
import { localDate } from '../../domain/time.js'
import { postEntry } from './post-entry.js'
import type { Deps } from '../common/deps.js'
import { grantBonus } from './bonuses.js'
import { touchCard } from './card-summary.js'
import { programContext, systemActor, type ProgramContext } from './engine.js'
import { earnedForTier, moveTier } from './tiers.js'

/*
 * The hourly program jobs visit only the cards that have something due, found by indexes the write
 * path keeps current (point_lots by expiry date, card_summaries by the moment they go stale and when
 * points expire for inactivity, customers by birthday): their cost follows what is due, not the
 * number of members. Each card is its own short transaction, and every few milliseconds of work the
 * job yields the thread to waiting requests, so a long catch-up run never holds a card read up.
 */

/** Milliseconds of job work between two yields to the requests waiting on this thread. */
const SLICE_MS = 10

/** A pause for waiting I/O (requests) whenever SLICE_MS of work has gone by since the last one. */
function timeSlices(): () => Promise<void> {
  let since = performance.now()
  return async () => {
    if (performance.now() - since < SLICE_MS) return
    await new Promise((resolve) => setImmediate(resolve))
    since = performance.now()
  }
}

/** The program in force for a merchant now, or null (no program set up: nothing is due). */
const contextOf = (db: Db, merchantId: string, now: Date): Promise<ProgramContext | null> =>
  programContext(db, merchantId, now).catch(() => null)

/** What a run did, in the log (a run that found nothing due says nothing). */
function log(job: string, visited: number, did: string, t0: number): void {
  if (visited > 0) console.log(`${job}: ${did} in ${Math.round(performance.now() - t0)} ms`)
}

/**
 * Writes one 'expire' entry per lot that is due, for what is left of it. Visits the cards holding a
 * lot whose date has come, those whose points expire for inactivity, and (in inactivity mode) those
 * whose summary predates the rules, whose inactivity date is not known yet. The entry names its lot
 * (a unique column) and empties it, so a second run finds nothing. Returns the entries written.
 */
export async function expirePoints(deps: Deps): Promise<number> {
  const now = deps.clock.now()
  const at = now.toISOString()
  const t0 = performance.now()
  const pause = timeSlices()
  let written = 0
  let visited = 0
  for (const m of await allMerchants(deps.db)) {
    const ctx = await contextOf(deps.db, m.id, now)
    if (!ctx || ctx.rules.expiry.mode === 'none') continue
    const due = new Set((await cardsWithLotsDue(deps.db, m.id, at)).map((r) => r.card_id))
    if (ctx.rules.expiry.mode === 'inactivity') {
      for (const r of await cardsIdleDue(deps.db, m.id, at)) due.add(r.card_id)
      for (const r of await outdatedSummaries(deps.db, m.id, ctx.version)) due.add(r.card_id)
    }
    for (const id of due) {
      visited++
      written += await writeTx(deps.db, (tx) => expireCard(tx, id, now))
      await pause()
    }
  }
  log('expire points', visited, `${written} entries on ${visited} cards due`, t0)
  return written
}

async function expireCard(tx: Db, id: string, now: Date): Promise<number> {
  // The card first, held to the commit: its lots cannot change under the reads below.
  let card = await lockedCardById(tx, id)
  if (!card) return 0
  const ctx = await programContext(tx, card.merchant_id, now)
  const tz = ctx.merchant.timezone
  const lots = await openLotsWithDates(tx, id)
  const last = (await summaryLastActivity(tx, id))?.last_activity_at ?? null
  const due = dueLots(
    lots.map((l) => ({ id: l.entry_id, remaining: l.remaining, expiresAt: l.expires_at })),
    now,
    ctx.rules.expiry,
    last,
    tz,
  )
  for (const lot of due) {
    const earnedAt = lots.find((l) => l.entry_id === lot.lotId)!.created_at
    await postEntry(
      tx,
      card,
      systemActor(card.merchant_id),
      {
        kind: 'expire',
        points: -Math.min(lot.points, card.balance),
        reason: `${lot.points} points earned on ${localDate(new Date(earnedAt), tz)} expired`,
        why: { code: 'expire', params: { points: lot.points, earnedOn: localDate(new Date(earnedAt), tz) } },
        programVersion: ctx.version,
        expiresEntryId: lot.lotId,
      },
      null,
      now,
    )
    card = (await lockedCardById(tx, id))!
  }
  // Its summary is made again even with nothing due (an outdated one learns its inactivity date).
  touchCard(tx, id, card.merchant_id, now)
  return due.length
}

/**
 * Moves cards up when they qualify, and down only after the grace period since they fell below.
 * Visits the cards whose summary has gone stale (a point left the tier window, a grace period ends,
 * a move is due) or was made under older rules; each is left with a fresh summary, so the next run
 * finds it again only when its time comes. Returns the number of cards moved.
 */
export async function reevaluateTiers(deps: Deps): Promise<number> {
  const now = deps.clock.now()
  const t0 = performance.now()
  const pause = timeSlices()
  let moved = 0
  let visited = 0
  for (const m of await allMerchants(deps.db)) {
    const ctx = await contextOf(deps.db, m.id, now)
    if (!ctx) continue
    const stale = await staleSummaries(deps.db, m.id, now.toISOString())
    const outdated = await outdatedSummaries(deps.db, m.id, ctx.version)
    for (const id of new Set([...stale, ...outdated].map((r) => r.card_id))) {
      visited++
      moved += await writeTx(deps.db, (tx) => reevaluateCard(tx, id, m.id, now))
      await pause()
    }
  }
  log('reevaluate tiers', visited, `${moved} cards moved of ${visited} visited`, t0)
  return moved
}

async function reevaluateCard(tx: Db, id: string, merchantId: string, now: Date): Promise<number> {
  // The card first, held to the commit, as every other writer of its tier row holds it: an earn reads
  // that row once, just after taking the lock, and computes the card's summary from it at the commit.
  await lockedCardById(tx, id)
  const ctx = await programContext(tx, merchantId, now)
  touchCard(tx, id, merchantId, now)
  const row = await cardTier(tx, id)
  if (ctx.rules.tiers.length === 0 && !row) return 0
  const current = tierIndex(row?.tier, ctx.rules.tiers)
  const qualifying = qualifyingTier(await earnedForTier(tx, id, ctx, now), ctx.rules.tiers)
  // A tier that no longer exists in the rules is left at once for what the card qualifies for.
  if (row && current === -1) {
    await moveTier(tx, id, ctx, row.tier, ctx.rules.tiers[qualifying]?.name ?? null, 'down', now)
    return 1
  }
  const d = reevaluationDecision(current, qualifying, row?.below_since ?? null, now, ctx.rules.tierGraceDays)
  switch (d.action) {
    case 'up':
    case 'down':
      await moveTier(tx, id, ctx, row?.tier ?? null, ctx.rules.tiers[d.to]?.name ?? null, d.action, now)
      return 1
    case 'markBelow':
      await setBelowSince(tx, id, now.toISOString())
      return 0
    case 'clearBelow':
      await setBelowSince(tx, id, null)
      return 0
    case 'keep':
      return 0
  }
}

/** Card ids per query: well under both backends' limit on bound parameters. */
const IDS_PER_QUERY = 1000

/**
 * The birthday bonus, once per card and birthday year, on any day within the window around the date.
 * Reads only the members born on a day in the window (an index on the birthday's month and day) and
 * skips, in bulk, the cards already given this year's bonus. Returns the number granted.
 */
export async function grantBirthdayBonuses(deps: Deps): Promise<number> {
  const now = deps.clock.now()
  const t0 = performance.now()
  const pause = timeSlices()
  let granted = 0
  let candidates = 0
  for (const m of await allMerchants(deps.db)) {
    const ctx = await contextOf(deps.db, m.id, now)
    if (!ctx || ctx.rules.birthdayBonus <= 0) continue
    const days = birthdayDaysNear(now, m.timezone, ctx.rules.birthdayWindowDays)
    const due: { id: string; year: number }[] = []
    for (const c of await cardsWithBirthdayOn(deps.db, m.id, days)) {
      const year = birthdayYear(c.birthday!, now, m.timezone, ctx.rules.birthdayWindowDays)
      if (year !== null) due.push({ id: c.id, year })
    }
    candidates += due.length
    const given = new Set<string>()
    for (let i = 0; i < due.length; i += IDS_PER_QUERY) {
      const ids = due.slice(i, i + IDS_PER_QUERY).map((c) => c.id)
      for (const g of await birthdayGrantsOf(deps.db, ids)) given.add(`${g.card_id}:${g.period}`)
    }
    for (const c of due) {
      if (given.has(`${c.id}:${c.year}`)) continue
      granted += await writeTx(deps.db, async (tx) => {
        // Read again inside: the rules may have changed since, and grantBonus checks the grant again.
        const inTx = await programContext(tx, m.id, now)
        const ok = await grantBonus(
          tx,
          c.id,
          inTx,
          {
            kind: 'birthday',
            period: String(c.year),
            points: inTx.rules.birthdayBonus,
            reason: 'Happy birthday!',
            why: { code: 'birthday' },
          },
          now,
        )
        return ok ? 1 : 0
      })
      await pause()
    }
  }
  log('birthday bonuses', candidates, `${granted} granted of ${candidates} members in their birthday window`, t0)
  return granted
}
