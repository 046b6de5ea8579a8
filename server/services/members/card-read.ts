import type { CardDetail, WalletCard } from '../../contract/card.js'
import type { CardStatus } from '../../contract/program.js'
import { TOTP_PERIOD_SECONDS } from '../../contract/card-code.js'
import type { Db } from '../../db/connection.js'
import {
  memberCard,
  memberCardList,
  RECENT_HISTORY_ROWS,
  recentHistory,
  type MemberCardRow,
} from '../../db/queries/card-read.js'
import { businessStatus } from '../../domain/business-status.js'
import { DomainError } from '../../domain/errors.js'
import { liveStatus } from '../program/card-summary.js'
import { HISTORY_PAGE } from '../program/history.js'
import type { Deps } from '../common/deps.js'
import { toLedgerEntry } from '../common/dto.js'

/*
 * The member's cards as their screens show them, in one read per card (and one for the history):
 * the status comes from the summary the last write kept (card-summary.ts) while it is fresh, that is
 * made under the program version in force and not past the moment it goes stale; otherwise it is
 * computed from the card's lots and tier earnings, without writing.
 */

if (RECENT_HISTORY_ROWS !== HISTORY_PAGE + 1)
  throw new Error('recentHistory must read one page of history and one entry more')

async function statusOf(db: Db, row: MemberCardRow, now: Date): Promise<CardStatus | null> {
  const fresh =
    row.summary_status !== null &&
    row.program_version !== null &&
    row.summary_version === row.program_version &&
    (row.summary_stale_at === null || row.summary_stale_at > now.toISOString())
  if (fresh)
    return { ...(JSON.parse(row.summary_status!) as Omit<CardStatus, 'referralCode'>), referralCode: row.referral_code }
  return liveStatus(db, row, now)
}

async function toWalletCard(db: Db, row: MemberCardRow, now: Date): Promise<WalletCard> {
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
      pointsPerUnit: row.points_per_unit ?? 1,
      unitMinor: row.unit_minor ?? 100,
      status: businessStatus(row),
    },
    status: await statusOf(db, row, now),
  }
}

/** One card of the member's, with its status; card_not_found when it is not in their wallet. */
export async function memberWalletCard(db: Db, customerId: string, cardId: string, now: Date): Promise<WalletCard> {
  const row = await memberCard(db, customerId, cardId, now.toISOString())
  if (!row) throw new DomainError('card_not_found', 'This card is not in your wallet.')
  return toWalletCard(db, row, now)
}

/** Every card in the member's wallet. */
export async function memberWallet(db: Db, customerId: string, now: Date): Promise<WalletCard[]> {
  const rows = await memberCardList(db, customerId, now.toISOString())
  return Promise.all(rows.map((r) => toWalletCard(db, r, now)))
}

/** The card screen: the card, its newest history page, its stamps and the coupons ready to use. */
export async function memberCardDetail(deps: Deps, customerId: string, cardId: string): Promise<CardDetail> {
  const now = deps.clock.now()
  const row = await memberCard(deps.db, customerId, cardId, now.toISOString())
  if (!row) throw new DomainError('card_not_found', 'This card is not in your wallet.')
  const [card, rows] = await Promise.all([toWalletCard(deps.db, row, now), recentHistory(deps.db, cardId)])
  const history = rows.slice(0, HISTORY_PAGE).map((e) => toLedgerEntry({ ...e, reversed_count: e.reversed_count ?? 0 }))
  return {
    card,
    history,
    historyNext: rows.length > HISTORY_PAGE ? history[history.length - 1]!.seq : null,
    stamps:
      row.stamps_active === 1 && row.stamps_required !== null
        ? {
            filled: Math.min(Number(row.stamps_open), row.stamps_required),
            required: row.stamps_required,
            rewardTitle: row.stamp_reward_title!,
            lastStampAt: (row.stamps_last_at as string | null) ?? null,
          }
        : null,
    couponsReady: Number(row.coupons_ready),
  }
}
