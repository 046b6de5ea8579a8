import type {
  Offer,
  OfferSegment,
  PushFigures,
  PushPreferences,
  PushPreferencesUpdate,
  PushSettingsDto,
  PushSubscriptionBody,
} from '../../contract/push.js'
import { writeTx } from '../../db/connection.js'
import { cardById } from '../../db/queries/cards.js'
import { insertOffer, offerClicks, offersOfMerchant, pushFigures } from '../../db/queries/push-offers.js'
import { recordClick } from '../../db/queries/push-outbox.js'
import {
  deleteSubscription,
  preferencesOfCard,
  savePreferences,
  saveSettings,
  upsertSubscription,
} from '../../db/queries/push-devices.js'
import { defaultLocaleOf, setDefaultLocale } from '../../db/queries/merchants.js'
import { DomainError } from '../../domain/errors.js'
import { checkTranslations, type Translations } from '../../domain/i18n/templates.js'
import { newId } from '../../domain/ids.js'
import { assertBusinessOpen } from '../platform/status.js'
import type { Deps } from '../common/deps.js'
import { createOfferCampaign } from '../insights/campaigns.js'
import { loadPushSettings } from './queue.js'
import { vapidKeys } from '../../push/vapid.js'
import { DAY_MS } from '../../domain/time.js'
import { categoryOn } from '../../domain/push-rules.js'

/* The member's devices and switches, and the merchant console's push settings, offers and figures. */

export async function subscribeDevice(
  deps: Deps,
  customerId: string,
  body: PushSubscriptionBody,
  userAgent: string | null,
) {
  const id = await writeTx(deps.db, (tx) =>
    upsertSubscription(tx, {
      id: newId(),
      customer_id: customerId,
      endpoint: body.endpoint,
      p256dh: body.keys.p256dh,
      auth: body.keys.auth,
      user_agent: userAgent?.slice(0, 300) ?? null,
      created_at: deps.clock.now().toISOString(),
      last_success_at: null,
    }),
  )
  return { id }
}

/** Removes this device's subscription (only the caller's own). */
export async function unsubscribeDevice(deps: Deps, customerId: string, endpoint: string): Promise<void> {
  await writeTx(deps.db, (tx) => deleteSubscription(tx, { endpoint, customerId }))
}

async function ownCard(deps: Deps, customerId: string, cardId: string) {
  const card = await cardById(deps.db, cardId)
  if (!card || card.customer_id !== customerId)
    throw new DomainError('card_not_found', 'This card is not in your wallet.')
  return card
}

export async function getPreferences(deps: Deps, customerId: string, cardId: string): Promise<PushPreferences> {
  await ownCard(deps, customerId, cardId)
  const p = await preferencesOfCard(deps.db, cardId)
  return {
    offers: (p?.offers ?? 1) === 1,
    birthday: (p?.birthday ?? 1) === 1,
    expiring: (p?.expiring ?? 1) === 1,
    tiers: (p?.tiers ?? 1) === 1,
    reminders: (p?.reminders ?? 1) === 1,
    feedback: categoryOn('feedback', p?.feedback),
  }
}

export async function setPreferences(
  deps: Deps,
  customerId: string,
  cardId: string,
  p: PushPreferencesUpdate,
): Promise<PushPreferences> {
  await ownCard(deps, customerId, cardId)
  const b = (v: boolean) => (v ? 1 : 0)
  const feedback = p.feedback ?? (await getPreferences(deps, customerId, cardId)).feedback
  await writeTx(deps.db, (tx) =>
    savePreferences(tx, {
      card_id: cardId,
      offers: b(p.offers),
      birthday: b(p.birthday),
      expiring: b(p.expiring),
      tiers: b(p.tiers),
      reminders: b(p.reminders),
      feedback: b(feedback),
      updated_at: deps.clock.now().toISOString(),
    }),
  )
  return { ...p, feedback }
}

export async function clickNotification(deps: Deps, notificationId: string): Promise<void> {
  await writeTx(deps.db, (tx) => recordClick(tx, notificationId, deps.clock.now().toISOString()))
}

export const getPushSettings = (deps: Deps, merchantId: string): Promise<PushSettingsDto> =>
  loadPushSettings(deps.db, merchantId)

export async function updatePushSettings(deps: Deps, merchantId: string, s: PushSettingsDto): Promise<PushSettingsDto> {
  for (const [kind, a] of Object.entries(s.automations))
    checkTranslations(a.translations, s.defaultLocale, `automations.${kind}.translations`)
  await writeTx(deps.db, async (tx) => {
    await setDefaultLocale(tx, merchantId, s.defaultLocale)
    await saveSettings(tx, {
      merchant_id: merchantId,
      quiet_start: s.quietStart,
      quiet_end: s.quietEnd,
      daily_cap: s.dailyCap,
      automations: JSON.stringify(s.automations),
      updated_at: deps.clock.now().toISOString(),
    })
  })
  return loadPushSettings(deps.db, merchantId)
}

export async function listOffers(deps: Deps, merchantId: string): Promise<Offer[]> {
  const rows = await offersOfMerchant(deps.db, merchantId)
  const clicks = await offerClicks(
    deps.db,
    rows.map((r) => r.id),
  )
  const byOffer = new Map(clicks.map((c) => [c.offer_id, Number(c.n)]))
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    body: r.body,
    translations: r.translations ? (JSON.parse(r.translations) as Translations) : {},
    segment: r.segment as OfferSegment,
    state: r.state,
    sendAt: r.send_at,
    sentAt: r.sent_at,
    recipients: r.recipients,
    clicks: byOffer.get(r.id) ?? 0,
  }))
}

export async function createOffer(
  deps: Deps,
  actor: { merchantId: string; staffId: string | null },
  req: {
    title: string
    body: string
    translations?: Translations | undefined
    segment: OfferSegment
    sendAt?: string | null | undefined
    holdoutPct?: number | undefined
  },
): Promise<Offer> {
  const now = deps.clock.now()
  await assertBusinessOpen(deps.db, actor.merchantId)
  const sendAt = req.sendAt ? new Date(req.sendAt) : now
  if (sendAt.getTime() < now.getTime() - 60_000)
    throw new DomainError('validation_failed', 'The send time has passed.', [
      { path: 'sendAt', message: 'in the past' },
    ])
  if (sendAt.getTime() > now.getTime() + 90 * DAY_MS)
    throw new DomainError('validation_failed', 'Schedule at most 90 days ahead.', [
      { path: 'sendAt', message: 'too far ahead' },
    ])
  checkTranslations(req.translations, await defaultLocaleOf(deps.db, actor.merchantId), 'translations')
  const translations = req.translations ?? {}
  const row = {
    id: newId(),
    merchant_id: actor.merchantId,
    title: req.title,
    body: req.body,
    translations: Object.keys(translations).length ? JSON.stringify(translations) : null,
    segment: req.segment,
    state: 'scheduled' as const,
    send_at: sendAt.toISOString(),
    recipients: null,
    created_by: actor.staffId,
    created_at: now.toISOString(),
    sent_at: null,
  }
  await writeTx(deps.db, async (tx) => {
    await insertOffer(tx, row)
    await createOfferCampaign(tx, actor.merchantId, row.id, row.title, req.holdoutPct ?? 0, now)
  })
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    translations,
    segment: req.segment,
    state: 'scheduled',
    sendAt: row.send_at,
    sentAt: null,
    recipients: null,
    clicks: 0,
  }
}

export async function figures(deps: Deps, merchantId: string, days = 30): Promise<PushFigures> {
  const since = new Date(deps.clock.now().getTime() - days * DAY_MS).toISOString()
  return { ...(await pushFigures(deps.db, merchantId, since)), sinceDays: days }
}

/** The key browsers need for pushManager.subscribe. */
export const vapidPublicKey = (deps: Deps): string => vapidKeys(deps.config.dataDir).publicKey
