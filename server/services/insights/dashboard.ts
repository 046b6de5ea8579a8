import {
  SEGMENT_CSV_COLUMNS,
  type InsightSettingsDto,
  type InsightsDashboard,
  type SegmentMember,
  type SegmentName,
} from '../../contract/insights.js'
import { cardIdsAtLocation, locationOf } from '../../db/queries/locations.js'
import { merchantLocale } from '../../db/queries/merchants.js'
import { DomainError } from '../../domain/errors.js'
import { decimalOf, toCsv } from '../../domain/csv.js'
import { writeTx } from '../../db/connection.js'
import {
  cardsWithDevice,
  clicksSince,
  insightSettingsOf,
  membersByCard,
  openCardsOf,
  saveInsightSettings,
} from '../../db/queries/insights.js'
import {
  classify,
  DEFAULT_THRESHOLDS,
  figures,
  highValueCutoff,
  liabilityMinor,
  summarize,
  type Classified,
  type MemberSummary,
  type Thresholds,
} from '../../domain/insights.js'
import { DAY_MS, dayNumberOf, isoOfDay, localDayFn } from '../../domain/time.js'
import type { Deps } from '../common/deps.js'
import { activityOf } from './summaries.js'

/*
 * Segments and the dashboard, computed on request from each card's purchase days (the summaries of
 * insight-summaries.ts plus the live tail of the ledger), folded per card in JS.
 * server/domain/insights.ts says what each figure means. Nothing is added to the earn path.
 */

const AT_RISK_LIST = 20

export interface InsightSettings {
  thresholds: Thresholds
  pointValuePer100Minor: number | null
}

export async function loadInsightSettings(deps: Deps, merchantId: string): Promise<InsightSettings> {
  const r = await insightSettingsOf(deps.db, merchantId)
  if (!r) return { thresholds: { ...DEFAULT_THRESHOLDS }, pointValuePer100Minor: null }
  return {
    thresholds: {
      newDays: r.new_days,
      lapsedDays: r.lapsed_days,
      atRiskMultiplier: r.at_risk_multiplier,
      atRiskMinDays: r.at_risk_min_days,
      defaultGapDays: r.default_gap_days,
      highValuePercent: r.high_value_percent,
      regularVisits: r.regular_visits,
    },
    pointValuePer100Minor: r.point_value_per_100_minor,
  }
}

export async function getInsightSettings(deps: Deps, merchantId: string): Promise<InsightSettingsDto> {
  const s = await loadInsightSettings(deps, merchantId)
  return { ...s.thresholds, pointValuePer100Minor: s.pointValuePer100Minor }
}

export async function updateInsightSettings(
  deps: Deps,
  merchantId: string,
  s: InsightSettingsDto,
): Promise<InsightSettingsDto> {
  await writeTx(deps.db, (tx) =>
    saveInsightSettings(tx, {
      merchant_id: merchantId,
      new_days: s.newDays,
      lapsed_days: s.lapsedDays,
      at_risk_multiplier: s.atRiskMultiplier,
      at_risk_min_days: s.atRiskMinDays,
      default_gap_days: s.defaultGapDays,
      high_value_percent: s.highValuePercent,
      regular_visits: s.regularVisits,
      point_value_per_100_minor: s.pointValuePer100Minor,
      updated_at: deps.clock.now().toISOString(),
    }),
  )
  return getInsightSettings(deps, merchantId)
}

export interface Members {
  today: number
  currency: string
  settings: InsightSettings
  cards: Array<{ id: string; created_at: string; balance: number }>
  summaries: MemberSummary[]
  classes: Classified[]
  /** Points per entry kind over the last 365 (UTC) days. */
  points: Record<string, number>
}

/**
 * Every open card of the merchant with its summary and segments, from one pass over the ledger. With a
 * location: its members only (who joined there, or bought there in the last 365 days).
 */
export async function classifyMembers(deps: Deps, merchantId: string, locationId?: string): Promise<Members> {
  const merchant = (await merchantLocale(deps.db, merchantId))!
  const settings = await loadInsightSettings(deps, merchantId)
  const tz = merchant.timezone
  const today = dayNumberOf(deps.clock.now(), tz)
  const dayOf = localDayFn(tz)
  const sinceDay = new Date(deps.clock.now().getTime() - 365 * DAY_MS).toISOString().slice(0, 10)
  const [allCards, activity, here] = await Promise.all([
    openCardsOf(deps.db, merchantId),
    activityOf(deps, merchantId, tz, sinceDay),
    locationId
      ? cardIdsAtLocation(
          deps.db,
          merchantId,
          locationId,
          new Date(deps.clock.now().getTime() - 365 * DAY_MS).toISOString(),
        )
      : null,
  ])
  const cards = here ? allCards.filter((c) => here.has(c.id)) : allCards
  const summaries = cards.map((c) => {
    return summarize(c.id, dayOf(c.created_at), activity.totalsOf(c.id), today)
  })
  const cutoff = highValueCutoff(
    summaries.map((s) => s.spend365),
    settings.thresholds.highValuePercent,
  )
  const classes = summaries.map((s) => classify(s, today, settings.thresholds, cutoff))
  return { today, currency: merchant.currency, settings, cards, summaries, classes, points: activity.points }
}

export function inSegment(c: Classified, segment: SegmentName): boolean {
  return segment === 'high_value' ? c.highValue : c.lifecycle === segment
}

export async function dashboard(deps: Deps, merchantId: string, locationId?: string): Promise<InsightsDashboard> {
  const location = locationId ? await locationOf(deps.db, merchantId, locationId) : null
  if (locationId && !location) {
    throw new DomainError('location_not_found', 'No such location in your business.', [
      { path: 'locationId', message: 'unknown location' },
    ])
  }
  const m = await classifyMembers(deps, merchantId, location?.id)
  const now = deps.clock.now()
  const since30 = new Date(now.getTime() - 30 * DAY_MS).toISOString()
  const points = m.points
  const [withDevice, clicks] = await Promise.all([
    cardsWithDevice(deps.db, merchantId),
    clicksSince(deps.db, merchantId, since30),
  ])
  const f = figures(m.summaries, m.classes, m.today)
  // Issued: earn and bonus entries, net of reversals (a reversed purchase issued nothing).
  const issued = (points.earn ?? 0) + (points.bonus ?? 0) + (points.reversal ?? 0)
  const redeemed = -(points.redeem ?? 0)
  const outstanding = m.cards.reduce((sum, c) => sum + c.balance, 0)
  const atRisk = m.classes
    .map((c, i) => ({ c, s: m.summaries[i]! }))
    .filter(({ c }) => c.lifecycle === 'at_risk')
    .sort((a, b) => b.s.spend365 - a.s.spend365 || b.c.daysAway - a.c.daysAway || (a.s.cardId < b.s.cardId ? -1 : 1))
    .slice(0, AT_RISK_LIST)
  const names = new Map(
    (
      await membersByCard(
        deps.db,
        merchantId,
        atRisk.map((a) => a.s.cardId),
      )
    ).map((r) => [r.card_id, r]),
  )
  return {
    ...f,
    today: isoOfDay(m.today),
    currency: m.currency,
    location: location ? { id: location.id, name: location.name } : null,
    thresholds: m.settings.thresholds,
    redemptionRate: issued > 0 ? redeemed / issued : null,
    pointsIssued365: issued,
    pointsRedeemed365: redeemed,
    liability: {
      points: outstanding,
      valuePer100Minor: m.settings.pointValuePer100Minor,
      valueMinor: liabilityMinor(outstanding, m.settings.pointValuePer100Minor),
    },
    push: {
      optedIn: withDevice,
      optInRate: f.members ? withDevice / f.members : null,
      sent30: clicks.sent,
      clicked30: clicks.clicked,
      clickRate: clicks.sent ? clicks.clicked / clicks.sent : null,
    },
    atRisk: atRisk.map(({ s, c }) => ({
      cardId: s.cardId,
      name: names.get(s.cardId)?.name ?? '',
      lastVisit: s.lastVisit === null ? null : isoOfDay(s.lastVisit),
      daysAway: c.daysAway,
      usualGap: s.usualGap,
      spend365: s.spend365,
    })),
  }
}

/** Members of a segment, most recent visit first, each with their figures. */
export async function segmentMembers(deps: Deps, merchantId: string, segment: SegmentName) {
  const m = await classifyMembers(deps, merchantId)
  const rows = m.classes
    .map((c, i) => ({ c, s: m.summaries[i]! }))
    .filter(({ c }) => inSegment(c, segment))
    .sort((a, b) => (b.s.lastVisit ?? -1) - (a.s.lastVisit ?? -1) || (a.s.cardId < b.s.cardId ? -1 : 1))
  return { today: m.today, rows }
}

export async function segmentPage(
  deps: Deps,
  merchantId: string,
  segment: SegmentName,
  page: { limit: number; offset: number },
): Promise<{ members: SegmentMember[]; total: number }> {
  const { rows } = await segmentMembers(deps, merchantId, segment)
  const slice = rows.slice(page.offset, page.offset + page.limit)
  return { members: await withNames(deps, merchantId, slice), total: rows.length }
}

async function withNames(
  deps: Deps,
  merchantId: string,
  rows: Array<{ c: Classified; s: MemberSummary }>,
): Promise<SegmentMember[]> {
  const people = new Map(
    (
      await membersByCard(
        deps.db,
        merchantId,
        rows.map((r) => r.s.cardId),
      )
    ).map((p) => [p.card_id, p]),
  )
  return rows.map(({ s, c }) => {
    const p = people.get(s.cardId)
    return {
      cardId: s.cardId,
      cardNumber: p?.card_number ?? '',
      name: p?.name ?? '',
      // Only members who agreed to marketing are listed with their email: the list is for reaching out.
      email: p && p.marketing_consent === 1 ? p.email : null,
      joined: isoOfDay(s.joinedDay),
      lastVisit: s.lastVisit === null ? null : isoOfDay(s.lastVisit),
      visits: s.visits,
      visits90: s.visits90,
      spend365: s.spend365,
      usualGap: s.usualGap,
      daysAway: c.daysAway,
      lifecycle: c.lifecycle,
      highValue: c.highValue,
    }
  })
}

/** Every member of the segment as CSV (RFC 4180, header row, formula-safe cells). */
export async function segmentCsv(deps: Deps, merchantId: string, segment: SegmentName): Promise<string> {
  const { currency } = (await merchantLocale(deps.db, merchantId))!
  const { rows } = await segmentMembers(deps, merchantId, segment)
  const members = await withNames(deps, merchantId, rows)
  return toCsv(
    SEGMENT_CSV_COLUMNS,
    members.map((m) => [
      m.cardNumber,
      m.name,
      m.email,
      m.joined,
      m.lastVisit,
      m.visits,
      m.visits90,
      m.usualGap,
      m.daysAway,
      decimalOf(m.spend365, currency),
      currency,
      m.lifecycle,
      m.highValue ? 'yes' : 'no',
    ]),
  )
}

/** Card ids of a segment (for offers and automations). */
export async function segmentCardIds(deps: Deps, merchantId: string, segment: SegmentName): Promise<Set<string>> {
  const m = await classifyMembers(deps, merchantId)
  const out = new Set<string>()
  m.classes.forEach((c, i) => {
    if (inSegment(c, segment)) out.add(m.summaries[i]!.cardId)
  })
  return out
}
