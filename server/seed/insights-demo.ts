import { writeTx } from '../db/connection.js'
import { locationIdsOfStaff } from '../db/queries/locations.js'
import { cardById } from '../db/queries/cards.js'
import { assignMember, campaignsOfMerchant, insertCampaign, saveOpeningHours } from '../db/queries/reports.js'
import { LIFT_WINDOW_DAYS } from '../domain/campaign-lift.js'
import { FixedClock } from '../domain/clock.js'
import { newId } from '../domain/ids.js'
import { DAY_MS, localParts, zonedToUtc } from '../domain/time.js'
import { postEntry } from '../services/program/post-entry.js'
import type { Deps } from '../services/common/deps.js'
import { joinProgram } from '../services/members/join.js'
import { detectStaffAnomalies } from '../services/insights/staff-alerts.js'
import { staffOfMerchant } from '../db/queries/console.js'
import { insertOffer } from '../db/queries/push-offers.js'

/*
 * Demo data for issue 6 parts 3-4 (campaigns, staff alerts), called once from seedDemo: a past
 * offer with a 25% holdout whose 30 days are over, a win-back automation holdout still running,
 * opening hours, and a few awards the detector flags. Deterministic: members, groups (every
 * fourth member held out) and visits follow from their index; only ids and the clock differ.
 */

const TZ = 'Europe/Warsaw'
const MEMBERS = 48

export async function seedInsightsDemo(deps: Deps, merchantId: string, slug: string): Promise<void> {
  if ((await campaignsOfMerchant(deps.db, merchantId)).length) return
  const now = deps.clock.now()
  const cashier = (await staffOfMerchant(deps.db, merchantId)).find((s) => s.role === 'cashier')
  const staffId = cashier?.id ?? null
  const actor = { merchantId, staffId, apiKeyId: null, role: 'cashier' as const }
  // The cashier's purchases happen where the cashier works.
  const locationId = staffId ? ((await locationIdsOfStaff(deps.db, staffId))[0] ?? null) : null
  /** A purchase on the local day `daysAgo` before today at hh:mm shop time. */
  const localAt = (daysAgo: number, hh: number, mm: number) => {
    const p = localParts(new Date(now.getTime() - daysAgo * DAY_MS), TZ)
    return zonedToUtc(TZ, p.year, p.month, p.day, hh, mm)
  }
  const buy = (cardId: string, at: Date, amountMinor: number) =>
    writeTx(deps.db, async (tx) => {
      const card = (await cardById(tx, cardId))!
      await postEntry(
        tx,
        card,
        actor,
        {
          kind: 'earn',
          points: Math.floor(amountMinor / 100),
          reason: 'Purchase',
          amountMinor,
          currency: 'EUR',
          locationId,
        },
        null,
        at,
      )
    })

  // Members who joined ten weeks ago.
  const cards: string[] = []
  for (let i = 0; i < MEMBERS; i++) {
    const clock = new FixedClock(new Date(now.getTime() - 70 * DAY_MS + i * 60_000))
    const joined = await joinProgram(
      { ...deps, clock },
      { slug, name: `Guest ${String(i + 1).padStart(2, '0')}`, marketingConsent: true, via: 'main' },
      null,
    )
    cards.push(joined.card.id)
  }

  // "Soup season" went out 45 days ago to all of them, a quarter held out.
  const sentAt = localAt(45, 10, 0)
  const offerId = newId()
  const campaignId = newId()
  await writeTx(deps.db, async (tx) => {
    await insertOffer(tx, {
      id: offerId,
      merchant_id: merchantId,
      title: 'Soup season is here',
      body: 'A warm bowl and double points this week.',
      segment: 'all',
      state: 'sent',
      send_at: sentAt.toISOString(),
      recipients: MEMBERS - MEMBERS / 4,
      created_by: null,
      created_at: sentAt.toISOString(),
      sent_at: sentAt.toISOString(),
    })
    const at = sentAt.toISOString()
    await insertCampaign(tx, {
      id: campaignId,
      merchant_id: merchantId,
      kind: 'offer',
      source: offerId,
      name: 'Soup season is here',
      holdout_pct: 25,
      created_at: at,
      updated_at: at,
    })
    for (const [i, cardId] of cards.entries()) {
      await assignMember(tx, {
        campaign_id: campaignId,
        card_id: cardId,
        grp: i % 4 === 0 ? 'holdout' : 'target',
        assigned_at: at,
        window_end: new Date(sentAt.getTime() + LIFT_WINDOW_DAYS * DAY_MS).toISOString(),
      })
    }
  })
  // Visits in the 30 days after: the target comes 1-3 times, the holdout 0-2 times.
  for (const [i, cardId] of cards.entries()) {
    const visits = i % 4 === 0 ? [0, 1, 1, 2][(i >> 2) % 4]! : 1 + (i % 3)
    for (let v = 0; v < visits; v++)
      await buy(cardId, localAt(44 - v * 9 - (i % 5), 9 + (i % 8), (i * 7) % 60), 650 + ((i * 37 + v * 113) % 900))
  }

  // Win-back holds out 20%; its first members were reached 5 days ago (too early to tell).
  const winbackId = newId()
  const wAt = localAt(5, 10, 0)
  await writeTx(deps.db, async (tx) => {
    await insertCampaign(tx, {
      id: winbackId,
      merchant_id: merchantId,
      kind: 'automation',
      source: 'winback',
      name: 'winback',
      holdout_pct: 20,
      created_at: wAt.toISOString(),
      updated_at: wAt.toISOString(),
    })
    for (const [i, cardId] of cards.slice(0, 10).entries()) {
      await assignMember(tx, {
        campaign_id: winbackId,
        card_id: cardId,
        grp: i % 5 === 0 ? 'holdout' : 'target',
        assigned_at: wAt.toISOString(),
        window_end: new Date(wAt.getTime() + LIFT_WINDOW_DAYS * DAY_MS).toISOString(),
      })
    }
  })

  // Open 07:30-19:00 on weekdays, 09:00-15:00 at weekends.
  const wk = { open: '07:30', close: '19:00' }
  const we = { open: '09:00', close: '15:00' }
  await writeTx(deps.db, async (tx) => {
    await saveOpeningHours(tx, merchantId, JSON.stringify([wk, wk, wk, wk, wk, we, we]), now.toISOString())
  })

  if (staffId) {
    // Three days ago: one card awarded three times in six minutes, and fourteen awards between 15:00 and 16:00.
    for (const m of [0, 2, 6]) await buy(cards[5]!, localAt(3, 12, 10 + m), 450)
    for (let k = 0; k < 14; k++) await buy(cards[(k * 3 + 7) % MEMBERS]!, localAt(3, 15, 2 + k * 4), 380)
    // Yesterday at 22:40, after closing.
    await buy(cards[11]!, localAt(1, 22, 40), 1200)
  }
  await detectStaffAnomalies(deps)
}
