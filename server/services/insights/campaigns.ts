import type { AutomationHoldouts, CampaignDto } from '../../contract/reports.js'
import type { Tx } from '../../db/connection.js'
import { writeTx } from '../../db/connection.js'
import {
  assignMember,
  campaignById,
  campaignBySource,
  campaignMembers,
  campaignPurchases,
  campaignRedemptions,
  campaignsOfMerchant,
  insertCampaign,
  memberGroup,
  setCampaignHoldout,
} from '../../db/queries/reports.js'
import {
  holdoutGroup,
  LIFT_WINDOW_DAYS,
  liftReport,
  MIN_GROUP_SIZE,
  visitsAndSpend,
  type Group,
  type MemberOutcome,
  type Purchase,
} from '../../domain/campaign-lift.js'
import { DomainError } from '../../domain/errors.js'
import { DAY_MS, localClock } from '../../domain/time.js'
import { newId } from '../../domain/ids.js'
import type { Deps } from '../common/deps.js'
import { merchantLocale } from '../../db/queries/merchants.js'

/*
 * Campaign holdouts: each offer with a holdout, and each automation kind, is a campaign. When the
 * sender reaches a member it assigns them to target or holdout (once; the first assignment stands)
 * and a held-out member gets nothing. The report compares the two groups over the next 30 days.
 */

export const AUTOMATION_KINDS = ['welcome', 'birthday', 'expiring', 'tier_up', 'tier_at_risk', 'winback'] as const
export const LIFT_METHOD =
  'difference of means per member; 95% interval = lift +- 1.96 x Welch standard error (normal approximation)'

/** The offer's campaign, in the caller's transaction (the offer is created in the same one). */
export async function createOfferCampaign(
  tx: Tx,
  merchantId: string,
  offerId: string,
  title: string,
  holdoutPct: number,
  now: Date,
) {
  if (holdoutPct <= 0) return
  const at = now.toISOString()
  await insertCampaign(tx, {
    id: newId(),
    merchant_id: merchantId,
    kind: 'offer',
    source: offerId,
    name: title,
    holdout_pct: holdoutPct,
    created_at: at,
    updated_at: at,
  })
}

/**
 * Which group a member falls in, recorded on first sight; null when the campaign does not exist
 * (no holdout was ever set). Runs in the sender's transaction.
 */
export async function assignGroup(
  tx: Tx,
  campaign: CampaignRow | null | undefined,
  cardId: string,
  now: Date,
): Promise<Group | null> {
  if (!campaign) return null
  const kind = campaign.kind
  const seen = await memberGroup(tx, campaign.id, cardId)
  if (seen) return seen.grp
  // A paused automation (holdout set back to 0) stops enrolling; members already in keep their group.
  if (kind === 'automation' && campaign.holdout_pct <= 0) return null
  const grp = holdoutGroup(campaign.id, cardId, campaign.holdout_pct)
  await assignMember(tx, {
    campaign_id: campaign.id,
    card_id: cardId,
    grp,
    assigned_at: now.toISOString(),
    window_end: new Date(now.getTime() + LIFT_WINDOW_DAYS * DAY_MS).toISOString(),
  })
  return grp
}

export type CampaignRow = NonNullable<Awaited<ReturnType<typeof campaignBySource>>>
export const campaignOf = (db: Tx, merchantId: string, kind: 'offer' | 'automation', source: string) =>
  campaignBySource(db, merchantId, kind, source)

export async function getAutomationHoldouts(deps: Deps, merchantId: string): Promise<AutomationHoldouts> {
  const out = Object.fromEntries(AUTOMATION_KINDS.map((k) => [k, 0])) as AutomationHoldouts
  for (const c of await campaignsOfMerchant(deps.db, merchantId)) {
    if (c.kind === 'automation' && c.source in out) out[c.source as keyof AutomationHoldouts] = c.holdout_pct
  }
  return out
}

export async function setAutomationHoldouts(
  deps: Deps,
  merchantId: string,
  h: AutomationHoldouts,
): Promise<AutomationHoldouts> {
  const at = deps.clock.now().toISOString()
  await writeTx(deps.db, async (tx) => {
    for (const kind of AUTOMATION_KINDS) {
      const existing = await campaignBySource(tx, merchantId, 'automation', kind)
      if (existing) {
        if (existing.holdout_pct !== h[kind]) await setCampaignHoldout(tx, existing.id, h[kind], at)
      } else if (h[kind] > 0) {
        await insertCampaign(tx, {
          id: newId(),
          merchant_id: merchantId,
          kind: 'automation',
          source: kind,
          name: kind,
          holdout_pct: h[kind],
          created_at: at,
          updated_at: at,
        })
      }
    }
  })
  return getAutomationHoldouts(deps, merchantId)
}

async function report(deps: Deps, campaignId: string, holdoutPct: number, tz: string) {
  const members = await campaignMembers(deps.db, campaignId)
  const purchases = new Map<string, Purchase[]>()
  for (const p of await campaignPurchases(deps.db, campaignId)) {
    const list = purchases.get(p.card_id) ?? []
    list.push({ at: p.created_at, amountMinor: p.amount_minor ?? 0 })
    purchases.set(p.card_id, list)
  }
  const redemptions = new Map<string, number>()
  for (const r of await campaignRedemptions(deps.db, campaignId))
    redemptions.set(r.card_id, (redemptions.get(r.card_id) ?? 0) + 1)
  const local = localClock(tz)
  const outcomes: MemberOutcome[] = members.map((m) => ({
    group: m.grp,
    assignedAt: m.assigned_at,
    ...visitsAndSpend(purchases.get(m.card_id) ?? [], local),
    redemptions: redemptions.get(m.card_id) ?? 0,
  }))
  return {
    ...liftReport(holdoutPct, outcomes, deps.clock.now()),
    windowDays: LIFT_WINDOW_DAYS,
    minGroupSize: MIN_GROUP_SIZE,
    method: LIFT_METHOD,
  }
}

async function merchantZone(deps: Deps, merchantId: string) {
  const m = await merchantLocale(deps.db, merchantId)
  if (!m) throw new DomainError('not_found', 'No such merchant.')
  return m
}

export async function listCampaigns(deps: Deps, merchantId: string): Promise<CampaignDto[]> {
  const { timezone, currency } = await merchantZone(deps, merchantId)
  const out: CampaignDto[] = []
  for (const c of await campaignsOfMerchant(deps.db, merchantId)) {
    out.push({
      id: c.id,
      kind: c.kind,
      source: c.source,
      name: c.name,
      holdoutPct: c.holdout_pct,
      createdAt: c.created_at,
      currency,
      report: await report(deps, c.id, c.holdout_pct, timezone),
    })
  }
  return out
}

export async function getCampaign(deps: Deps, merchantId: string, id: string): Promise<CampaignDto> {
  const c = await campaignById(deps.db, merchantId, id)
  if (!c) throw new DomainError('not_found', 'No such campaign.')
  const { timezone, currency } = await merchantZone(deps, merchantId)
  return {
    id: c.id,
    kind: c.kind,
    source: c.source,
    name: c.name,
    holdoutPct: c.holdout_pct,
    createdAt: c.created_at,
    currency,
    report: await report(deps, c.id, c.holdout_pct, timezone),
  }
}
