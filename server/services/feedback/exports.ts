import { ANSWERS_CSV_COLUMNS, RATINGS_CSV_COLUMNS } from '../../contract/feedback.js'
import { answersPage, ratingsPage } from '../../db/queries/feedback-console.js'
import { merchantLocale } from '../../db/queries/merchants.js'
import { csvRow } from '../../domain/csv.js'
import { localClock } from '../../domain/time.js'
import type { Deps } from '../common/deps.js'
import { exportRange } from '../insights/exports.js'

/*
 * Ratings and survey answers as CSV for a range of local dates (both included, at most 366 days):
 * RFC 4180 with the formula-injection guard (domain/csv.ts), streamed page by page like the other
 * exports. A member who deleted their account appears with no card number and no name.
 */

const PAGE = 1000

async function pages<R extends { id: string; created_at: string }>(
  fetch: (after: { at: string; id: string } | null) => Promise<R[]>,
  row: (r: R) => (string | number | null)[],
  header: readonly string[],
): Promise<AsyncGenerator<string>> {
  async function* rows(): AsyncGenerator<string> {
    yield csvRow([...header])
    let after: { at: string; id: string } | null = null
    for (;;) {
      const page = await fetch(after)
      for (const r of page) yield csvRow(row(r))
      if (page.length < PAGE) return
      const last = page[page.length - 1]!
      after = { at: last.created_at, id: last.id }
    }
  }
  return rows()
}

export async function ratingsExport(deps: Deps, merchantId: string, from: string, to: string) {
  const m = (await merchantLocale(deps.db, merchantId))!
  const { start, end } = exportRange(from, to, m.timezone)
  const local = localClock(m.timezone)
  const rows = await pages(
    (after) => ratingsPage(deps.db, merchantId, start, end, after, PAGE),
    (r) => [
      local.stamp(r.created_at),
      r.created_at,
      r.rating,
      r.comment,
      r.staff_name,
      r.location_id,
      r.visit_at ? local.stamp(r.visit_at) : null,
      r.card_number,
      r.member,
      Number(r.replies ?? 0),
    ],
    RATINGS_CSV_COLUMNS,
  )
  return { filename: `${m.slug}-ratings-${from}-to-${to}.csv`, rows }
}

export async function answersExport(deps: Deps, merchantId: string, from: string, to: string) {
  const m = (await merchantLocale(deps.db, merchantId))!
  const { start, end } = exportRange(from, to, m.timezone)
  const local = localClock(m.timezone)
  const rows = await pages(
    (after) => answersPage(deps.db, merchantId, start, end, after, PAGE),
    (a) => {
      const options = a.options ? (JSON.parse(a.options) as string[]) : []
      const picked = a.choices ? (JSON.parse(a.choices) as number[]) : null
      return [
        local.stamp(a.created_at),
        a.created_at,
        a.title,
        a.round,
        a.prompt,
        a.kind,
        a.score,
        picked ? picked.map((i) => options[i] ?? '?').join('; ') : null,
        a.text,
        a.card_number,
        a.member,
        a.incentivised ? 'yes' : 'no',
      ]
    },
    ANSWERS_CSV_COLUMNS,
  )
  return { filename: `${m.slug}-survey-answers-${from}-to-${to}.csv`, rows }
}
