import { writeTx, type Db } from '../../db/connection.js'
import {
  addPointsDays,
  clearPointsDays,
  clearSummaries,
  entriesBetween,
  firstEntryAt,
  memberRowsByCard,
  memberRowsOf,
  pointsSince,
  reversedPurchases,
  setWatermark,
  upsertMemberRows,
  watermarkOf,
} from '../../db/queries/insights.js'
import { withLock } from '../../db/queries/locks.js'
import { addPurchase, decodeTotals, emptyTotals, encodeTotals, type DayTotals } from '../../domain/insights.js'
import { DAY_MS, localDayFn } from '../../domain/time.js'
import type { Deps } from '../common/deps.js'

/*
 * The insights read the ledger through summaries derived from it (migration 0008): per card, its
 * purchase days with counts and spend; per merchant, points per UTC day and kind. They hold every
 * entry up to a watermark and are brought up to date when the dashboard is read (the first build
 * folds the ledger in memory, then writes; later ones move forward in chunks of days, each its own short
 * transaction); entries after the watermark are folded in live per request.
 * The earn path writes nothing here.
 */

/** Entries younger than this are read live, never summarised: a transaction may still be committing one. */
export const LIVE_LAG_MS = 5 * 60_000
const CHUNK_DAYS = 45

type Entry = Awaited<ReturnType<typeof entriesBetween>>[number]

/** Folds entries into per-card totals and per-day points per kind; reversals take their purchase back out. */
async function fold(
  db: Db,
  entries: Entry[],
  tz: string,
  totalsOf: (cardId: string) => DayTotals,
  points: Map<string, number>,
): Promise<void> {
  const dayOf = localDayFn(tz)
  const inBatch = new Map<string, Entry>()
  const missing: string[] = []
  for (const e of entries) {
    if (e.kind === 'earn' && e.amount_minor !== null) inBatch.set(e.id, e)
    if (e.kind === 'reversal' && e.reverses_entry_id && !inBatch.has(e.reverses_entry_id))
      missing.push(e.reverses_entry_id)
  }
  const older = new Map((await reversedPurchases(db, missing)).map((o) => [o.id, o]))
  for (const e of entries) {
    if (e.kind === 'earn' && e.amount_minor !== null)
      addPurchase(totalsOf(e.card_id), dayOf(e.created_at), e.amount_minor)
    if (e.kind === 'reversal' && e.reverses_entry_id) {
      const o = inBatch.get(e.reverses_entry_id) ?? older.get(e.reverses_entry_id)
      if (o && o.amount_minor !== null) addPurchase(totalsOf(o.card_id), dayOf(o.created_at), o.amount_minor, -1)
    }
    const k = `${e.created_at.slice(0, 10)}|${e.kind}`
    points.set(k, (points.get(k) ?? 0) + e.points)
  }
}

const byCard = (totals: Map<string, DayTotals>) => (cardId: string) => {
  let t = totals.get(cardId)
  if (!t) totals.set(cardId, (t = emptyTotals()))
  return t
}

const pointRows = (merchantId: string, points: Map<string, number>) =>
  [...points].map(([k, p]) => {
    const [day, kind] = k.split('|') as [string, string]
    return { merchant_id: merchantId, day, kind, points: p }
  })

const BUILD_WRITE_ROWS = 5000

/**
 * The first build: the whole ledger up to the cutoff is folded in memory (read in chunks of days,
 * with no lock held: entries that old no longer change), then written in short transactions. The
 * watermark, written last, is what makes the summaries count; rows and day points are replaced, not
 * added to, so a build cut short is simply done again.
 */
async function buildSummaries(deps: Deps, merchantId: string, tz: string, cutoff: string) {
  const first = await firstEntryAt(deps.db, merchantId)
  const totals = new Map<string, DayTotals>()
  const points = new Map<string, number>()
  let from = first?.t ? new Date(Date.parse(first.t) - 1).toISOString() : cutoff
  while (from < cutoff) {
    const upto = new Date(Math.min(Date.parse(from) + CHUNK_DAYS * DAY_MS, Date.parse(cutoff))).toISOString()
    await fold(deps.db, await entriesBetween(deps.db, merchantId, from, upto), tz, byCard(totals), points)
    from = upto
  }
  const rows = [...totals].map(([cardId, t]) => ({ card_id: cardId, merchant_id: merchantId, ...encodeTotals(t) }))
  for (let i = 0; i < rows.length; i += BUILD_WRITE_ROWS)
    await writeTx(deps.db, (tx) => upsertMemberRows(tx, rows.slice(i, i + BUILD_WRITE_ROWS)))
  await writeTx(deps.db, async (tx) => {
    await clearPointsDays(tx, merchantId)
    await addPointsDays(tx, pointRows(merchantId, points))
    await setWatermark(tx, { merchant_id: merchantId, through: cutoff, timezone: tz })
  })
  return { through: cutoff, built: totals }
}

/**
 * Brings the merchant's summaries up to now - LIVE_LAG_MS; returns the watermark, and the totals
 * when they were just built from scratch. Several processes (PostgreSQL) take turns per merchant on
 * an advisory lock, so the first build runs once and each later step folds its entries once: the
 * one that waited finds the watermark moved and has nothing (or only the newest minutes) to do.
 */
export function refreshSummaries(
  deps: Deps,
  merchantId: string,
  tz: string,
): Promise<{ through: string; built: Map<string, DayTotals> | null }> {
  return withLock(deps.db, `insights:${merchantId}`, () => refreshUnderLock(deps, merchantId, tz))
}

async function refreshUnderLock(
  deps: Deps,
  merchantId: string,
  tz: string,
): Promise<{ through: string; built: Map<string, DayTotals> | null }> {
  const cutoff = new Date(deps.clock.now().getTime() - LIVE_LAG_MS).toISOString()
  const wm = await watermarkOf(deps.db, merchantId)
  if (!wm || wm.timezone !== tz) {
    // Day numbers are local days: a new timezone rebuilds them.
    if (wm) await writeTx(deps.db, (tx) => clearSummaries(tx, merchantId))
    return buildSummaries(deps, merchantId, tz, cutoff)
  }
  for (;;) {
    const step = await writeTx(deps.db, async (tx) => {
      const through = (await watermarkOf(tx, merchantId))?.through ?? wm.through
      if (through >= cutoff) return { through, done: true }
      const upto = new Date(Math.min(Date.parse(through) + CHUNK_DAYS * DAY_MS, Date.parse(cutoff))).toISOString()
      const entries = await entriesBetween(tx, merchantId, through, upto)
      const cardIds = [...new Set(entries.map((e) => e.card_id))]
      const totals = new Map((await memberRowsByCard(tx, cardIds)).map((r) => [r.card_id, decodeTotals(r)]))
      const touched = new Set<string>()
      const points = new Map<string, number>()
      const of = byCard(totals)
      await fold(
        tx,
        entries,
        tz,
        (cardId) => {
          touched.add(cardId)
          return of(cardId)
        },
        points,
      )
      await upsertMemberRows(
        tx,
        [...touched].map((cardId) => ({
          card_id: cardId,
          merchant_id: merchantId,
          ...encodeTotals(totals.get(cardId)!),
        })),
      )
      await addPointsDays(tx, pointRows(merchantId, points))
      await setWatermark(tx, { merchant_id: merchantId, through: upto, timezone: tz })
      return { through: upto, done: upto >= cutoff }
    })
    if (step.done) return { through: step.through, built: null }
  }
}

export interface Activity {
  /** Each card's purchase days; read only (shared with later requests). */
  totalsOf: (cardId: string) => DayTotals | undefined
  /** Points per entry kind on UTC days from `sinceDay`. */
  points: Record<string, number>
}

/**
 * The decoded summaries of each merchant, kept in memory between requests (per database handle) and
 * moved forward by the entries between their watermark and the new one, so a warm request does not
 * re-read every card's row. Updates of one merchant run one at a time. The memo stays right when
 * another process moves the watermark: it is a fold of the ledger up to its own `through`, which
 * it brings forward the same way (a watermark behind the memo's, or another timezone, reloads it).
 */
interface Memo {
  through: string
  tz: string
  totals: Map<string, DayTotals>
}
const memos = new WeakMap<Db, Map<string, Memo>>()
const locks = new Map<string, Promise<unknown>>()

function serially<T>(key: string, work: () => Promise<T>): Promise<T> {
  const run = (locks.get(key) ?? Promise.resolve()).then(work, work)
  const settled = run.catch(() => undefined)
  locks.set(key, settled)
  void settled.then(() => {
    if (locks.get(key) === settled) locks.delete(key)
  })
  return run
}

async function summariesOf(deps: Deps, merchantId: string, tz: string): Promise<Memo> {
  let perDb = memos.get(deps.db)
  if (!perDb) memos.set(deps.db, (perDb = new Map()))
  const { through, built } = await refreshSummaries(deps, merchantId, tz)
  if (built) {
    const fresh = { through, tz, totals: built }
    perDb.set(merchantId, fresh)
    return fresh
  }
  const memo = perDb.get(merchantId)
  if (memo && memo.tz === tz && memo.through <= through) {
    if (memo.through < through) {
      await fold(
        deps.db,
        await entriesBetween(deps.db, merchantId, memo.through, through),
        tz,
        byCard(memo.totals),
        new Map(),
      )
      memo.through = through
    }
    return memo
  }
  const totals = new Map<string, DayTotals>()
  for (const r of await memberRowsOf(deps.db, merchantId)) totals.set(r.card_id, decodeTotals(r))
  const fresh = { through, tz, totals }
  perDb.set(merchantId, fresh)
  return fresh
}

/** Every card's purchase days and the points since a UTC day: the summaries plus the live tail. */
export async function activityOf(deps: Deps, merchantId: string, tz: string, sinceDay: string): Promise<Activity> {
  const memo = await serially(merchantId, () => summariesOf(deps, merchantId, tz))
  const [tail, points] = await Promise.all([
    entriesBetween(deps.db, merchantId, memo.through, null),
    pointsSince(deps.db, merchantId, sinceDay),
  ])
  // The tail changes copies of the cards it touches, never the shared summaries.
  const overlay = new Map<string, DayTotals>()
  const tailPoints = new Map<string, number>()
  await fold(
    deps.db,
    tail,
    tz,
    (cardId) => {
      let t = overlay.get(cardId)
      if (!t) {
        const base = memo.totals.get(cardId)
        t = base ? { days: [...base.days], counts: [...base.counts], spends: [...base.spends] } : emptyTotals()
        overlay.set(cardId, t)
      }
      return t
    },
    tailPoints,
  )
  for (const [k, p] of tailPoints) {
    const [day, kind] = k.split('|') as [string, string]
    if (day >= sinceDay) points[kind] = (points[kind] ?? 0) + p
  }
  return { totalsOf: (cardId) => overlay.get(cardId) ?? memo.totals.get(cardId), points }
}
