import type { LedgerEntry, WalletCard } from '../../contract/card.js'
import type { MerchantPublic } from '../../contract/merchant.js'
import { TOTP_PERIOD_SECONDS } from '../../contract/card-code.js'
import type { WalletCardRow } from '../../db/queries/cards.js'
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

export function toLedgerEntry(e: LedgerRow & { reversed_count?: number | string | bigint }): LedgerEntry {
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

export function toWalletCard(row: WalletCardRow, program: ProgramVersion | undefined): WalletCard {
  return {
    id: row.id,
    cardNumber: row.card_number,
    balance: row.balance,
    totpSecret: row.totp_secret,
    totpPeriod: TOTP_PERIOD_SECONDS,
    memberName: row.member_name,
    joinedAt: row.created_at,
    updatedAt: row.updated_at,
    lastUsedAt: row.last_used_at ?? row.created_at,
    merchant: {
      slug: row.slug,
      name: row.merchant_name,
      brandColor: row.brand_color,
      accentColor: row.accent_color,
      logoUrl: row.logo_url,
      currency: row.currency,
      timezone: row.timezone,
      pointsPerUnit: program?.points_per_unit ?? 1,
      unitMinor: program?.unit_minor ?? 100,
      status: businessStatus(row),
    },
  }
}
