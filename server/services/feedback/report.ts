import type { FeedbackReport } from '../../contract/feedback.js'
import {
  commentCountBetween,
  locationNames,
  recommendScoresBetween,
  visitRatingsBetween,
} from '../../db/queries/feedback-console.js'
import { merchantById } from '../../db/queries/merchants.js'
import { LIFECYCLE } from '../../domain/insights.js'
import {
  comebackComparison,
  COMEBACK_MIN_GROUP,
  meanWithInterval,
  nextVisitAfter,
  recommendScore,
  type RatedVisit,
} from '../../domain/feedback-stats.js'
import { dayNumberOf, isoOfMonth, localDayFn, monthOfDay } from '../../domain/time.js'
import type { Deps } from '../common/deps.js'
import { classifyMembers } from '../insights/dashboard.js'
import { exportRange } from '../insights/exports.js'
import { activityOf } from '../insights/summaries.js'

/*
 * What feedback says for a range of local dates: the average visit rating and the recommend score,
 * each with its 95 % interval and number of answers; by month, location, staff member and segment
 * (the member's segment now, by the insights' definitions); and whether members who rated a visit
 * low came back less often than those who rated it high. Rules: domain/feedback-stats.ts.
 */

const MAX_REPORT_DAYS = 731

interface Scored {
  ratings: number[]
  recs: number[]
}
const bucket = () => ({ ratings: [], recs: [] }) as Scored
const breakdown = (key: string, label: string, s: Scored) => ({
  key,
  label,
  rating: meanWithInterval(s.ratings, 1, 5),
  recommend: recommendScore(s.recs),
})

export async function feedbackReport(
  deps: Deps,
  merchantId: string,
  q: { from: string; to: string },
): Promise<FeedbackReport> {
  const merchant = (await merchantById(deps.db, merchantId))!
  const tz = merchant.timezone
  const { start, end } = exportRange(q.from, q.to, tz, MAX_REPORT_DAYS)
  const [ratings, recs, withComment, locations, members] = await Promise.all([
    visitRatingsBetween(deps.db, merchantId, start, end),
    recommendScoresBetween(deps.db, merchantId, start, end),
    commentCountBetween(deps.db, merchantId, start, end),
    locationNames(deps.db, merchantId),
    classifyMembers(deps, merchantId),
  ])
  const dayOf = localDayFn(tz)
  const monthOf = (iso: string) => isoOfMonth(monthOfDay(dayOf(iso)))

  const months = new Map<string, Scored>()
  const byLocation = new Map<string, Scored>()
  const byStaff = new Map<string, Scored & { name: string }>()
  const bySegment = new Map<string, Scored>([...LIFECYCLE, 'high_value'].map((s) => [s, bucket()]))
  const segmentsOf = new Map<string, string[]>()
  members.summaries.forEach((s, i) => {
    const c = members.classes[i]!
    segmentsOf.set(s.cardId, c.highValue ? [c.lifecycle, 'high_value'] : [c.lifecycle])
  })
  const into = <T extends Scored>(map: Map<string, T>, key: string, make: () => T) => {
    let b = map.get(key)
    if (!b) map.set(key, (b = make()))
    return b
  }

  for (const r of ratings) {
    into(months, monthOf(r.created_at), bucket).ratings.push(r.rating)
    if (r.location_id) into(byLocation, r.location_id, bucket).ratings.push(r.rating)
    // Awards made through a POS key have no staff member: they are counted under "POS".
    const staffKey = r.staff_id ?? 'pos'
    into(byStaff, staffKey, () => ({ ...bucket(), name: r.staff_name ?? '' })).ratings.push(r.rating)
    for (const s of (r.card_id && segmentsOf.get(r.card_id)) || []) bySegment.get(s)!.ratings.push(r.rating)
  }
  for (const a of recs) {
    into(months, monthOf(a.created_at), bucket).recs.push(a.score)
    for (const s of (a.card_id && segmentsOf.get(a.card_id)) || []) bySegment.get(s)!.recs.push(a.score)
  }

  const names = new Map(locations.map((l) => [l.id, l.name]))
  return {
    from: q.from,
    to: q.to,
    rating: meanWithInterval(
      ratings.map((r) => r.rating),
      1,
      5,
    ),
    recommend: recommendScore(recs.map((a) => a.score)),
    withComment,
    months: [...months.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([month, s]) => ({ month, rating: meanWithInterval(s.ratings, 1, 5), recommend: recommendScore(s.recs) })),
    byLocation: [...byLocation.entries()].map(([id, s]) => breakdown(id, names.get(id) ?? '', s)),
    byStaff: [...byStaff.entries()].map(([id, s]) => breakdown(id, s.name, s)).sort((a, b) => b.rating.n - a.rating.n),
    bySegment: [...bySegment.entries()].map(([seg, s]) => breakdown(seg, seg, s)),
    comeback: {
      minGroup: COMEBACK_MIN_GROUP,
      windows: comebackComparison(await ratedVisits(deps, merchantId, tz, ratings), dayNumberOf(deps.clock.now(), tz)),
    },
  }
}

/** Each rated visit of a member still linked to it, with the member's next visit day (a purchase day). */
async function ratedVisits(
  deps: Deps,
  merchantId: string,
  tz: string,
  ratings: Awaited<ReturnType<typeof visitRatingsBetween>>,
): Promise<RatedVisit[]> {
  const activity = await activityOf(deps, merchantId, tz, deps.clock.now().toISOString().slice(0, 10))
  const dayOf = localDayFn(tz)
  const out: RatedVisit[] = []
  for (const r of ratings) {
    if (!r.card_id) continue
    const t = activity.totalsOf(r.card_id)
    const days = t ? t.days.filter((_, i) => t.counts[i]! > 0) : []
    const visitDay = dayOf(r.visit_at ?? r.created_at)
    out.push({ rating: r.rating, visitDay, nextVisitDay: nextVisitAfter(days, visitDay) })
  }
  return out
}
