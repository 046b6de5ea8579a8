import { writeTx } from '../../db/connection.js'
import {
  dueOffers,
  merchantIds,
  pointsExpiringSoon,
  recentTierUps,
  tiersAtRisk,
  segmentMembers,
  setOfferState,
  subscribedMembers,
} from '../../db/queries/push-offers.js'
import { pushTarget, insertRun, runExists } from '../../db/queries/push-outbox.js'
import { birthdayDue, fillTemplate, type AutomationKind, type PushSettings } from '../../domain/push-rules.js'
import { winbackDue } from '../../domain/insights.js'
import { automationTextFor, writtenFor, type Translations } from '../../domain/i18n/templates.js'
import { DAY_MS, isoOfDay } from '../../domain/time.js'
import { SegmentName } from '../../contract/insights.js'
import { classifyMembers, segmentCardIds } from '../insights/dashboard.js'
import { lotLedger } from '../../db/queries/program.js'
import { marketingAudience } from '../../db/queries/account.js'
import { replayLots } from '../../domain/expiry.js'
import { toLotEntries } from '../program/card-status.js'
import type { Deps } from '../common/deps.js'
import { assignGroup, campaignOf } from '../insights/campaigns.js'
import type { CouponIssuer } from '../perks/coupon-issuer.js'
import { loadPushSettings, queueNotification, type QueueResult } from './queue.js'
import { merchantLocale } from '../../db/queries/merchants.js'

/*
 * Automations: plain async functions the scheduler runs (and tests call with a FixedClock). Each is
 * idempotent per member, kind and period through push_automation_runs, and looks back far enough
 * to catch up after downtime.
 */

export interface AutomationOptions {
  coupons?: CouponIssuer | null
}
/** held_out: in the campaign's holdout group (issue 6), so deliberately sent nothing. */
export type Tally = Partial<Record<QueueResult['status'] | 'held_out', number>>

const WELCOME_WITHIN_DAYS = 7
/** How far back tier moves are still announced, so a push is caught up after downtime. */
const TIER_CHANGES_LOOKBACK_DAYS = 2
const OFFER_CHUNK = 250

async function forEachMerchant(deps: Deps, fn: (merchantId: string, settings: PushSettings) => Promise<void>) {
  for (const { id } of await merchantIds(deps.db)) await fn(id, await loadPushSettings(deps.db, id))
}

/** One member's automation in its own transaction (so a long run keeps what it did). */
async function queueFor(
  deps: Deps,
  tally: Tally,
  cardId: string,
  kind: AutomationKind,
  period: string,
  settings: PushSettings,
  vars: Record<string, string | number> = {},
  coupon?: { issuer: CouponIssuer | null | undefined; reason: 'birthday' | 'winback' },
): Promise<void> {
  const now = deps.clock.now()
  const s = settings.automations[kind]
  // Most runs find the key already taken (a lapse lasts weeks): check it before taking the write lock.
  if (await runExists(deps.db, cardId, kind, period)) {
    tally.duplicate = (tally.duplicate ?? 0) + 1
    return
  }
  const res = await writeTx(deps.db, async (tx) => {
    const target = await pushTarget(tx, cardId)
    if (!target) return { status: 'no_card' } as const
    // A held-out member gets nothing, and the run key keeps them from being reconsidered.
    if (
      (await assignGroup(tx, await campaignOf(tx, target.merchant_id, 'automation', kind), cardId, now)) === 'holdout'
    ) {
      await insertRun(tx, { card_id: cardId, kind, period, notification_id: null, created_at: now.toISOString() })
      return { status: 'held_out' } as const
    }
    const v = {
      name: target.member_name.split(' ')[0] ?? '',
      merchant: target.merchant_name,
      points: target.balance,
      ...vars,
    }
    const issuer = coupon?.issuer && s.withCoupon ? coupon.issuer : null
    // The member's language: what the merchant wrote in it, else ours in it (untouched texts), else the default's.
    const text = automationTextFor(kind, s, target.member_locale, target.default_locale)
    return queueNotification(
      tx,
      {
        cardId,
        kind,
        title: fillTemplate(text.title, v),
        body: fillTemplate(text.body, v),
        run: { kind, period },
        // The coupon is issued only when the push really goes out, in the same transaction.
        attach: issuer
          ? async (t) => {
              const c = await issuer.issue(tx, {
                merchantId: t.merchant_id,
                cardId,
                reason: coupon!.reason,
                period,
                now,
                memberLocale: target.member_locale,
                defaultLocale: target.default_locale,
              })
              return c ? { url: c.url, extra: { couponId: c.couponId } } : null
            }
          : undefined,
      },
      now,
      { target, settings },
    )
  })
  tally[res.status] = (tally[res.status] ?? 0) + 1
}

/** Welcome, once, to members who joined in the last week and have a device (they subscribe after joining). */
export async function runWelcome(deps: Deps): Promise<Tally> {
  const tally: Tally = {}
  const since = new Date(deps.clock.now().getTime() - WELCOME_WITHIN_DAYS * DAY_MS).toISOString()
  await forEachMerchant(deps, async (merchantId, settings) => {
    if (!settings.automations.welcome.enabled) return
    for (const m of await subscribedMembers(deps.db, merchantId)) {
      if (m.created_at >= since) await queueFor(deps, tally, m.card_id, 'welcome', 'once', settings)
    }
  })
  return tally
}

/** Birthday on the day in the merchant's time zone (or up to two days late after downtime); once a year. */
export async function runBirthdays(deps: Deps, opts: AutomationOptions = {}): Promise<Tally> {
  const tally: Tally = {}
  const now = deps.clock.now()
  await forEachMerchant(deps, async (merchantId, settings) => {
    if (!settings.automations.birthday.enabled) return
    const tz = (await merchantLocale(deps.db, merchantId))!.timezone
    for (const m of await subscribedMembers(deps.db, merchantId)) {
      const year = birthdayDue(m.birthday, now, tz)
      if (year)
        await queueFor(
          deps,
          tally,
          m.card_id,
          'birthday',
          year,
          settings,
          {},
          { issuer: opts.coupons, reason: 'birthday' },
        )
    }
  })
  return tally
}

/** Points expiring within the merchant's N days; once per card and expiry date. */
export async function runExpiring(deps: Deps): Promise<Tally> {
  const tally: Tally = {}
  const now = deps.clock.now()
  await forEachMerchant(deps, async (merchantId, settings) => {
    const s = settings.automations.expiring
    if (!s.enabled) return
    const until = new Date(now.getTime() + (s.days ?? 14) * DAY_MS).toISOString()
    for (const candidate of await pointsExpiringSoon(deps.db, merchantId, now.toISOString(), until)) {
      // What is really left of those lots: spending and earlier expiries took the oldest first.
      const e = await expiringRemainder(deps, candidate.card_id, now.toISOString(), until)
      if (e.points <= 0) continue
      await queueFor(deps, tally, candidate.card_id, 'expiring', e.firstExpiry.slice(0, 10), settings, {
        points: e.points,
      })
    }
  })
  return tally
}

/** Points of a card's lots expiring in (from, until], after the FIFO replay of its ledger. */
async function expiringRemainder(deps: Deps, cardId: string, from: string, until: string) {
  let points = 0
  let firstExpiry = ''
  for (const lot of replayLots(toLotEntries(await lotLedger(deps.db, cardId)))) {
    if (lot.remaining <= 0 || !lot.expiresAt || lot.expiresAt <= from || lot.expiresAt > until) continue
    points += lot.remaining
    if (!firstExpiry || lot.expiresAt < firstExpiry) firstExpiry = lot.expiresAt
  }
  return { points, firstExpiry }
}

/** Tier moves the program engine recorded (tier_changes) and members about to drop (card_tiers.below_since). */
export async function runTierChanges(deps: Deps): Promise<void> {
  const since = new Date(deps.clock.now().getTime() - TIER_CHANGES_LOOKBACK_DAYS * DAY_MS).toISOString()
  for (const c of await recentTierUps(deps.db, since)) {
    if (c.to_tier) await notifyTierChange(deps, c.card_id, c.from_tier, c.to_tier, { direction: 'up', period: c.id })
  }
  for (const c of await tiersAtRisk(deps.db)) {
    await notifyTierChange(deps, c.card_id, c.tier, c.tier, { direction: 'at_risk', period: c.below_since })
  }
}

/**
 * Members who stopped coming: at risk or lapsed by the insights' definition (the merchant's segment
 * thresholds, server/domain/insights.ts); once per lapse, named by the last visit day.
 */
export async function runWinback(deps: Deps, opts: AutomationOptions = {}): Promise<Tally> {
  const tally: Tally = {}
  await forEachMerchant(deps, async (merchantId, settings) => {
    if (!settings.automations.winback.enabled) return
    const m = await classifyMembers(deps, merchantId)
    const consenting = new Set((await marketingAudience(deps.db, merchantId)).map((c) => c.card_id))
    for (let i = 0; i < m.summaries.length; i++) {
      const s = m.summaries[i]!
      if (!consenting.has(s.cardId) || !winbackDue(s, m.classes[i]!)) continue
      await queueFor(
        deps,
        tally,
        s.cardId,
        'winback',
        isoOfDay(s.lastVisit!),
        settings,
        {},
        { issuer: opts.coupons, reason: 'winback' },
      )
    }
  })
  return tally
}

/** Offers whose time has come, to their segment; an offer cut short by a restart resumes. */
export async function sendDueOffers(deps: Deps): Promise<Tally> {
  const tally: Tally = {}
  const now = deps.clock.now()
  for (const offer of await dueOffers(deps.db, now.toISOString())) {
    if (offer.state === 'scheduled') await writeTx(deps.db, (tx) => setOfferState(tx, offer.id, { state: 'sending' }))
    const settings = await loadPushSettings(deps.db, offer.merchant_id)
    const campaign = await campaignOf(deps.db, offer.merchant_id, 'offer', offer.id)
    let recipients = 0
    let members = await segmentMembers(deps.db, offer.merchant_id, offer.segment, now)
    const insight = SegmentName.safeParse(offer.segment)
    if (insight.success) {
      const inSegment = await segmentCardIds(deps, offer.merchant_id, insight.data)
      members = members.filter((m) => inSegment.has(m.card_id))
    }
    // A few hundred members per transaction: fewer commits, and a restart resumes by the run keys.
    for (let i = 0; i < members.length; i += OFFER_CHUNK) {
      const results = await writeTx(deps.db, async (tx) => {
        const out: (keyof Tally)[] = []
        for (const m of members.slice(i, i + OFFER_CHUNK)) {
          const target = await pushTarget(tx, m.card_id)
          if (!target) {
            out.push('no_card')
            continue
          }
          if ((await assignGroup(tx, campaign, m.card_id, now)) === 'holdout') {
            out.push('held_out')
            continue
          }
          const v = {
            name: target.member_name.split(' ')[0] ?? '',
            merchant: target.merchant_name,
            points: target.balance,
          }
          const text = writtenFor(
            { ...offer, translations: offer.translations ? (JSON.parse(offer.translations) as Translations) : null },
            target.member_locale,
            target.default_locale,
          )
          const res = await queueNotification(
            tx,
            {
              cardId: m.card_id,
              kind: 'offer',
              title: fillTemplate(text.title, v),
              body: fillTemplate(text.body, v),
              run: { kind: 'offer', period: offer.id },
              offerId: offer.id,
            },
            now,
            { target, settings },
          )
          out.push(res.status)
        }
        return out
      })
      for (const status of results) {
        tally[status] = (tally[status] ?? 0) + 1
        if (status === 'queued' || status === 'duplicate') recipients++
      }
    }
    await writeTx(deps.db, (tx) =>
      setOfferState(tx, offer.id, { state: 'sent', recipients, sent_at: now.toISOString() }),
    )
  }
  return tally
}

/**
 * Tier changes (tiers are built on issue-4a, which calls this): `up` when a member reached `to`,
 * `at_risk` when they are about to drop from `from` to `to`. Once per card, change and local day
 * unless the caller names the period (e.g. the qualification window).
 */
export async function notifyTierChange(
  deps: Deps,
  cardId: string,
  from: string | null,
  to: string,
  opts: { direction?: 'up' | 'at_risk'; period?: string } = {},
): Promise<QueueResult['status']> {
  const now = deps.clock.now()
  const direction = opts.direction ?? 'up'
  const kind = direction === 'up' ? 'tier_up' : 'tier_at_risk'
  const target = await pushTarget(deps.db, cardId)
  if (!target) return 'no_card'
  const settings = await loadPushSettings(deps.db, target.merchant_id)
  if (!settings.automations[kind].enabled) return 'switched_off'
  const tier = direction === 'up' ? to : (from ?? to)
  const period = `${from ?? '-'}>${to}:${opts.period ?? now.toISOString().slice(0, 10)}`
  const tally: Tally = {}
  await queueFor(deps, tally, cardId, kind, period, settings, { tier })
  return (Object.keys(tally)[0] as QueueResult['status'] | undefined) ?? 'no_card'
}

/** Everything the scheduler runs on its slow tick. */
export async function runAutomations(deps: Deps, opts: AutomationOptions = {}): Promise<void> {
  await sendDueOffers(deps)
  await runWelcome(deps)
  await runBirthdays(deps, opts)
  await runExpiring(deps)
  await runTierChanges(deps)
  await runWinback(deps, opts)
}
