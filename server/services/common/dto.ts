import type { LedgerEntry } from '../../contract/card.js'
import type { MerchantPublic } from '../../contract/merchant.js'
import type { HistoryColumn } from '../../db/queries/card-read.js'
import type { LedgerRow, Merchant, ProgramVersion } from '../../db/schema.js'
import { businessStatus } from '../../domain/business-status.js'
import { storedReason } from '../../domain/i18n/reasons.js'

/** The reason's code and parameters (0060) when the entry has them; the client renders them in its language. */
export function reasonFields(e: { reason: string; reason_code?: string | null; reason_params?: string | null }) {
  const r = storedReason({
    reason: e.reason,
    reason_code: e.reason_code ?? null,
    reason_params: e.reason_params ?? null,
  })
  return { reasonCode: r.code, reasonParams: (r.params ?? null) as Record<string, unknown> | null }
}

export function toMerchantPublic(m: Merchant, p: ProgramVersion | undefined): MerchantPublic {
  return {
    slug: m.slug,
    name: m.name,
    brandColor: m.brand_color,
    accentColor: m.accent_color,
    logoUrl: m.logo_url,
    currency: m.currency,
    timezone: m.timezone,
    pointsPerUnit: p?.points_per_unit ?? 1,
    unitMinor: p?.unit_minor ?? 100,
    status: businessStatus(m),
  }
}

export function toLedgerEntry(
  e: Pick<LedgerRow, HistoryColumn> & { reversed_count?: number | string | bigint },
): LedgerEntry {
  return {
    id: e.id,
    kind: e.kind,
    points: e.points,
    balanceAfter: e.balance_after,
    reason: e.reason,
    ...reasonFields(e),
    amountMinor: e.amount_minor,
    currency: e.currency,
    reversesEntryId: e.reverses_entry_id,
    reversed: Number(e.reversed_count ?? 0) > 0,
    createdAt: e.created_at,
    seq: e.seq,
  }
}
