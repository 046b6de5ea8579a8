import { createHash } from 'node:crypto'
import type { Db } from '../../db/connection.js'
import {
  insertNotification,
  insertOutbox,
  insertRun,
  cappedCountOnDay,
  pushTarget,
  runExists,
  type PushTarget,
} from '../../db/queries/push-outbox.js'
import {
  hasDevice,
  preferencesOfCard,
  settingsOfMerchant,
  subscriptionsOfCustomer,
} from '../../db/queries/push-devices.js'
import { isLocale, type Locale } from '../../contract/locales.js'
import { defaultLocaleOf } from '../../db/queries/merchants.js'
import { DomainError } from '../../domain/errors.js'
import { fill, formatNumber, messagesFor } from '../../domain/i18n/index.js'
import { newId } from '../../domain/ids.js'
import {
  CAPPED_KINDS,
  categoryOn,
  KIND_RULES,
  MAX_PAYLOAD_BYTES,
  localDate,
  nextSendTime,
  payloadBytes,
  withDefaults,
  type PushSettings,
} from '../../domain/push-rules.js'

export type NotificationKind = keyof typeof KIND_RULES

/** How long a push service keeps trying to reach an offline device, and how urgently. */
const DELIVERY: Record<NotificationKind, { ttl: number; urgency: 'very-low' | 'low' | 'normal' | 'high' }> = {
  earned: { ttl: 3600, urgency: 'normal' },
  welcome: { ttl: 86_400, urgency: 'normal' },
  tier_up: { ttl: 86_400, urgency: 'normal' },
  tier_at_risk: { ttl: 86_400, urgency: 'low' },
  expiring: { ttl: 3 * 86_400, urgency: 'normal' },
  birthday: { ttl: 12 * 3600, urgency: 'normal' },
  winback: { ttl: 3 * 86_400, urgency: 'low' },
  offer: { ttl: 86_400, urgency: 'low' },
  feedback_visit: { ttl: 12 * 3600, urgency: 'low' },
  feedback_survey: { ttl: 3 * 86_400, urgency: 'low' },
  feedback_reply: { ttl: 3 * 86_400, urgency: 'normal' },
}

export interface QueueRequest {
  cardId: string
  kind: NotificationKind
  title: string
  body: string
  /** Our own words, in the member's language (replacing title and body where it gives them). */
  localized?: (locale: Locale) => { title?: string; body?: string }
  /** Where a click goes (one of our pages); the card by default. */
  url?: string
  /** The automation key: one notification per card, kind and period. */
  run?: { kind: string; period: string }
  offerId?: string
  extra?: Record<string, string>
  /** An optional step once every check passed (a coupon): may change where the click goes. */
  attach?: (target: PushTarget) => Promise<{ url: string; extra?: Record<string, string> } | null>
}

export type QueueResult =
  | { status: 'queued'; notificationId: string; devices: number; notBefore: string }
  | { status: 'duplicate' | 'no_device' | 'no_consent' | 'switched_off' | 'capped' | 'no_card' | 'business_paused' }

export async function loadPushSettings(db: Db, merchantId: string): Promise<PushSettings> {
  const [row, locale] = await Promise.all([settingsOfMerchant(db, merchantId), defaultLocaleOf(db, merchantId)])
  if (!row) return withDefaults(null, locale)
  return withDefaults(
    {
      quietStart: row.quiet_start,
      quietEnd: row.quiet_end,
      dailyCap: row.daily_cap,
      automations: JSON.parse(row.automations) as PushSettings['automations'],
    },
    locale,
  )
}

/** A topic names what a newer push replaces at the push service: one per card and kind. */
const topicFor = (cardId: string, kind: string) =>
  `${kind.replace(/_/g, '-')}-${createHash('sha256').update(cardId).digest('base64url').slice(0, 12)}`

/**
 * Queues one notification for a member, in the caller's transaction: checks consent (marketing),
 * the member's switch for the category, their devices, the automation key, quiet hours and the
 * daily cap, then writes the notification and one outbox row per device.
 */
export async function queueNotification(
  tx: Db,
  req: QueueRequest,
  now: Date,
  ctx?: { target?: PushTarget; settings?: PushSettings },
): Promise<QueueResult> {
  const target = ctx?.target ?? (await pushTarget(tx, req.cardId))
  if (!target) return { status: 'no_card' }
  // A suspended or closed business sends nothing, whatever asked for it.
  if (target.suspended_at || target.closed_at) return { status: 'business_paused' }
  const rules = KIND_RULES[req.kind]
  if (rules.marketing && !target.marketing_consent) return { status: 'no_consent' }
  if (rules.category) {
    const prefs = await preferencesOfCard(tx, req.cardId)
    if (!categoryOn(rules.category, prefs?.[rules.category])) return { status: 'switched_off' }
  }
  const devices = await subscriptionsOfCustomer(tx, target.customer_id)
  if (!devices.length) return { status: 'no_device' }
  if (req.run && (await runExists(tx, req.cardId, req.run.kind, req.run.period))) return { status: 'duplicate' }

  const settings = ctx?.settings ?? (await loadPushSettings(tx, target.merchant_id))
  // "You earned 40 points" answers something the member just did at the till: it goes now.
  const notBefore =
    req.kind === 'earned' ? now : nextSendTime(now, target.timezone, settings.quietStart, settings.quietEnd)
  const localDay = localDate(notBefore, target.timezone)
  if (
    (rules.marketing || rules.capped) &&
    (await cappedCountOnDay(tx, req.cardId, localDay, CAPPED_KINDS)) >= settings.dailyCap
  )
    return { status: 'capped' }

  const attached = req.attach ? await req.attach(target) : null
  const id = newId()
  const own = req.localized?.(isLocale(target.member_locale) ? target.member_locale : 'en')
  const payload = JSON.stringify({
    title: own?.title ?? req.title,
    body: own?.body ?? req.body,
    merchantName: target.merchant_name,
    icon: target.logo_url ?? '/pwa-192x192.png',
    tag: `${target.slug}:${req.kind}`,
    url: attached?.url ?? req.url ?? `/cards/${req.cardId}`,
    notificationId: id,
    kind: req.kind,
    ...req.extra,
    ...attached?.extra,
  })
  if (payloadBytes(payload) > MAX_PAYLOAD_BYTES) {
    throw new DomainError(
      'payload_too_large',
      `A push may carry at most ${MAX_PAYLOAD_BYTES} bytes; shorten the message.`,
    )
  }
  const at = now.toISOString()
  const send = notBefore.toISOString()
  await insertNotification(tx, {
    id,
    merchant_id: target.merchant_id,
    card_id: req.cardId,
    kind: req.kind,
    category: rules.category,
    marketing: rules.marketing ? 1 : 0,
    payload,
    not_before: send,
    local_day: localDay,
    offer_id: req.offerId ?? null,
    created_at: at,
    clicked_at: null,
  })
  if (req.run)
    await insertRun(tx, {
      card_id: req.cardId,
      kind: req.run.kind,
      period: req.run.period,
      notification_id: id,
      created_at: at,
    })
  const d = DELIVERY[req.kind]
  await insertOutbox(
    tx,
    devices.map((s) => ({
      id: newId(),
      notification_id: id,
      merchant_id: target.merchant_id,
      subscription_id: s.id,
      state: 'queued' as const,
      not_before: send,
      ttl: d.ttl,
      urgency: d.urgency,
      topic: topicFor(req.cardId, req.kind),
      created_at: at,
    })),
  )
  return { status: 'queued', notificationId: id, devices: devices.length, notBefore: send }
}

/** The transactional "you earned N points" push, in the award's transaction; not capped, no quiet hours. */
export async function queueEarnedPush(
  tx: Db,
  card: { id: string; customer_id: string },
  points: number,
  balance: number,
  now: Date,
  /** Whether the member has a device, when the caller read it with the card. */
  device?: boolean,
): Promise<QueueResult> {
  if (points <= 0) return { status: 'no_card' }
  // Most members have no device: one indexed lookup (or none, when the caller knows) keeps the award fast.
  if (!(device ?? (await hasDevice(tx, card.customer_id)))) return { status: 'no_device' }
  const cardId = card.id
  const target = await pushTarget(tx, cardId)
  if (!target) return { status: 'no_card' }
  // In the member's language (ours, not the merchant's: every language has it).
  const locale = isLocale(target.member_locale) ? target.member_locale : 'en'
  const n = (x: number) => formatNumber(x, locale)
  return queueNotification(
    tx,
    {
      cardId,
      kind: 'earned',
      title: target.merchant_name,
      body: fill(messagesFor(locale).push.earned, { n: n(points), balance: n(balance) }, locale, points),
    },
    now,
    { target },
  )
}
