import { MAX_EXPORT_DAYS } from '../../contract/reports.js'
import { locationOf } from '../../db/queries/locations.js'
import { merchantLocale } from '../../db/queries/merchants.js'
import { ledgerPage, membersPage, purchasesOfCards } from '../../db/queries/reports.js'
import type { Locale } from '../../contract/locales.js'
import { csvRow, formatMinor } from '../../domain/csv.js'
import { messagesFor, renderReason, storedReason } from '../../domain/i18n/index.js'
import { minorDigits } from '../../domain/earning.js'
import { DomainError } from '../../domain/errors.js'
import { DAY_MS, isRealDate, localClock, zonedToUtc } from '../../domain/time.js'
import type { Deps } from '../common/deps.js'

/*
 * CSV exports for owners and managers, generated page by page (keyset pagination), so a file of
 * millions of rows is streamed without holding it in memory or the database connection between pages.
 */

const PAGE = 1000

export const MEMBER_COLUMNS = [
  'card_number',
  'name',
  'email',
  'joined',
  'tier',
  'balance',
  'visits',
  'spend',
  'currency',
  'last_visit',
  'marketing_consent',
  'joined_at_location',
]
export const LEDGER_COLUMNS = [
  'date_local',
  'date_utc',
  'card_number',
  'member',
  'kind',
  'points',
  'balance_after',
  'reason',
  'amount',
  'currency',
  'staff',
  'location',
]

async function merchantOf(deps: Deps, merchantId: string) {
  const m = await merchantLocale(deps.db, merchantId)
  if (!m) throw new DomainError('not_found', 'No such merchant.')
  return m
}

/** The UTC range [start, end) of local dates from..to (both included), validated. */
export function exportRange(
  from: string,
  to: string,
  tz: string,
  maxDays: number | null = MAX_EXPORT_DAYS,
): { start: string; end: string } {
  const bad = (path: string, message: string) => new DomainError('validation_failed', message, [{ path, message }])
  if (!isRealDate(from)) throw bad('from', 'not a real date')
  if (!isRealDate(to)) throw bad('to', 'not a real date')
  if (from > to) throw bad('to', 'must be on or after from')
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number]
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number]
  const days = (Date.UTC(ty, tm - 1, td) - Date.UTC(fy, fm - 1, fd)) / DAY_MS + 1
  if (maxDays !== null && days > maxDays) throw bad('to', `at most ${maxDays} days per file`)
  return { start: zonedToUtc(tz, fy, fm, fd).toISOString(), end: zonedToUtc(tz, ty, tm, td + 1).toISOString() }
}

/** A location of this merchant, for a filter; refused by name when it is not one. */
async function filterLocation(deps: Deps, merchantId: string, locationId: string | undefined) {
  if (!locationId) return null
  const l = await locationOf(deps.db, merchantId, locationId)
  if (!l) {
    throw new DomainError('location_not_found', 'No such location in your business.', [
      { path: 'locationId', message: 'unknown location' },
    ])
  }
  return l
}

const fileTag = (l: { name: string } | null) =>
  l
    ? `-${
        l.name
          .normalize('NFKD')
          .replace(/[^a-z0-9]+/gi, '-')
          .replace(/^-|-$/g, '')
          .toLowerCase() || 'location'
      }`
    : ''

/**
 * The header row: the column keys (what integrations read), or in a language when one is asked for.
 * Values stay machine-readable either way (ISO dates, decimal amounts with a point).
 */
const headerRow = (keys: string[], names: Record<string, string> | null) => csvRow(keys.map((k) => names?.[k] ?? k))

export async function ledgerExport(
  deps: Deps,
  merchantId: string,
  from: string,
  to: string,
  locationId?: string,
  lang?: Locale,
) {
  const msg = lang ? messagesFor(lang) : null
  const m = await merchantOf(deps, merchantId)
  const location = await filterLocation(deps, merchantId, locationId)
  const { start, end } = exportRange(from, to, m.timezone)
  const local = localClock(m.timezone)
  async function* rows(): AsyncGenerator<string> {
    yield headerRow(LEDGER_COLUMNS, msg?.csv.ledger ?? null)
    let after: { at: string; id: string } | null = null
    for (;;) {
      const page = await ledgerPage(deps.db, merchantId, start, end, after, PAGE, location?.id ?? null)
      for (const e of page) {
        yield csvRow([
          local.stamp(e.created_at),
          e.created_at,
          e.card_number,
          e.member,
          msg ? msg.csv.kinds[e.kind] : e.kind,
          e.points,
          e.balance_after,
          msg ? renderReason(storedReason(e), msg.reasons, lang!) : e.reason,
          e.amount_minor === null ? null : formatMinor(e.amount_minor, minorDigits(e.currency ?? m.currency)),
          e.amount_minor === null ? null : (e.currency ?? m.currency),
          e.staff_name ?? (e.api_key_name ? `API: ${e.api_key_name}` : null),
          e.location_name,
        ])
      }
      if (page.length < PAGE) return
      const last = page[page.length - 1]!
      after = { at: last.created_at, id: last.id }
    }
  }
  return { filename: `${m.slug}${fileTag(location)}-ledger-${from}-to-${to}.csv`, rows: rows() }
}

/**
 * One row per open card (with a range: per card that joined between `from` and `to`, local dates,
 * both included). The email is exported only with the member's marketing consent (the file is
 * usually for a mailing tool); visits are local days with a purchase, spend their sum, all time.
 */
export async function membersExport(
  deps: Deps,
  merchantId: string,
  range: {
    from?: string | undefined
    to?: string | undefined
    locationId?: string | undefined
    lang?: Locale | undefined
  } = {},
) {
  const msg = range.lang ? messagesFor(range.lang) : null
  const m = await merchantOf(deps, merchantId)
  const location = await filterLocation(deps, merchantId, range.locationId)
  const joined = range.from && range.to ? exportRange(range.from, range.to, m.timezone, null) : null
  const digits = minorDigits(m.currency)
  const local = localClock(m.timezone)
  async function* rows(): AsyncGenerator<string> {
    yield headerRow(MEMBER_COLUMNS, msg?.csv.members ?? null)
    let after: string | null = null
    for (;;) {
      const page = await membersPage(deps.db, merchantId, after, PAGE, joined, location?.id ?? null)
      const stats = new Map<string, { days: Set<string>; spend: number; last: string }>()
      for (const p of await purchasesOfCards(
        deps.db,
        page.map((c) => c.id),
      )) {
        const s = stats.get(p.card_id) ?? { days: new Set<string>(), spend: 0, last: '' }
        s.days.add(local.date(p.created_at))
        s.spend += p.amount_minor ?? 0
        if (p.created_at > s.last) s.last = p.created_at
        stats.set(p.card_id, s)
      }
      for (const c of page) {
        const s = stats.get(c.id)
        yield csvRow([
          c.card_number,
          c.name,
          c.marketing_consent ? c.email : null,
          local.date(c.created_at),
          c.tier,
          c.balance,
          s?.days.size ?? 0,
          formatMinor(s?.spend ?? 0, digits),
          m.currency,
          s ? local.date(s.last) : null,
          c.marketing_consent ? (msg?.csv.yes ?? 'yes') : (msg?.csv.no ?? 'no'),
          c.joined_location,
        ])
      }
      if (page.length < PAGE) return
      after = page[page.length - 1]!.card_number
    }
  }
  const name =
    range.from && range.to ? `joined-${range.from}-to-${range.to}` : local.date(deps.clock.now().toISOString())
  return { filename: `${m.slug}${fileTag(location)}-members-${name}.csv`, rows: rows() }
}
