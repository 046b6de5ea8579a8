import { writeTx } from '../db/connection.js'
import { cardById } from '../db/queries/cards.js'
import { insertNotification } from '../db/queries/push-outbox.js'
import { upsertSubscription } from '../db/queries/push-devices.js'
import { earnForPurchase } from '../domain/earning-rules.js'
import { lotExpiry } from '../domain/expiry.js'
import { FixedClock } from '../domain/clock.js'
import { newId } from '../domain/ids.js'
import { postEntry } from '../services/program/post-entry.js'
import type { Deps } from '../services/common/deps.js'
import { joinProgram } from '../services/members/join.js'
import { programContext } from '../services/program/engine.js'
import { listRewards, redeemReward } from '../services/perks/rewards.js'
import { DAY_MS } from '../domain/time.js'

/*
 * A year of Demo Café members for the insights screens: a few hundred members with varied habits
 * (weekly regulars to one-off visitors, some who stop coming), reward redemptions, push devices and
 * opened notifications. Deterministic (seeded PRNG) and through the same services as the till:
 * joinProgram, postEntry (balance = ledger sum) and redeemReward.
 */

export const DEMO_HISTORY_MEMBERS = 260

const FIRST = [
  'Ada',
  'Bartek',
  'Celina',
  'Damian',
  'Ewa',
  'Filip',
  'Gosia',
  'Henryk',
  'Iga',
  'Jan',
  'Kasia',
  'Leon',
  'Maja',
  'Nikola',
  'Olek',
  'Pola',
  'Roman',
  'Sara',
  'Tomek',
  'Ula',
  'Wiktor',
  'Zofia',
]
const LAST = [
  'Adamczyk',
  'Baran',
  'Czarnecki',
  'Dudek',
  'Górski',
  'Jasińska',
  'Kaczmarek',
  'Lis',
  'Mazur',
  'Nowicka',
  'Pawlak',
  'Rutkowski',
  'Sikora',
  'Wójcik',
  'Zając',
]
/** Mean days between visits, and the share of members with that habit (in tenths). */
const HABITS: Array<[gap: number, weight: number]> = [
  [5, 1],
  [9, 2],
  [16, 2],
  [30, 2],
  [60, 2],
  [400, 1],
]

/** mulberry32: a small seeded PRNG, so every demo database has the same members and visits. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function habit(r: number): number {
  let acc = 0
  const total = HABITS.reduce((s, [, w]) => s + w, 0)
  for (const [gap, w] of HABITS) {
    acc += w / total
    if (r < acc) return gap
  }
  return HABITS.at(-1)![0]
}

/**
 * With locations (the first is the main link's), every third member joined at the second through its
 * link and buys there; the rest at the first. Chosen by member number, so the random draws stay the same.
 */
export async function seedDemoHistory(
  deps: Deps,
  merchantId: string,
  ownerId: string,
  slug: string,
  locations: Array<{ id: string; via: string }> = [],
): Promise<void> {
  const now = deps.clock.now()
  const rand = prng(2026)
  const rewards = (await listRewards(deps, merchantId))
    .filter((r) => r.active && r.stock === null)
    .sort((a, b) => a.pointsCost - b.pointsCost)
  const staff = { merchantId, staffId: ownerId, apiKeyId: null, role: 'owner' as const }
  for (let i = 0; i < DEMO_HISTORY_MEMBERS; i++) {
    const first = FIRST[i % FIRST.length]!
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!
    // More members joined recently than a year ago, as a program grows.
    const joinedAgo = Math.floor(365 * (1 - Math.sqrt(rand())))
    const joinedAt = new Date(now.getTime() - joinedAgo * DAY_MS - Math.floor(rand() * 8) * 3_600_000)
    const consent = rand() < 0.7
    const home = locations.length ? locations[i % 3 === 2 ? 1 % locations.length : 0]! : null
    const joined = await joinProgram(
      { ...deps, clock: new FixedClock(joinedAt) },
      {
        slug,
        name: `${first} ${last}`,
        email: `${first.toLowerCase()}.${i}@example.test`,
        marketingConsent: consent,
        via: home?.via ?? 'main',
      },
      null,
    )
    const cardId = joined.card.id
    const gap = habit(rand())
    // Half keep coming; the others stop after a while (the at-risk and lapsed members).
    const staysDays = rand() < 0.5 ? 400 : Math.floor(30 + rand() * 270)
    const visits: Array<{ at: Date; amountMinor: number }> = []
    let t = joinedAt.getTime() + Math.floor(rand() * 2) * DAY_MS + 2 * 3_600_000
    while (t < now.getTime() - 3_600_000 && t - joinedAt.getTime() <= staysDays * DAY_MS) {
      visits.push({ at: new Date(t), amountMinor: 350 + Math.floor(rand() * 30) * 50 })
      t += Math.max(1, Math.round(gap * (0.4 + rand() * 1.2))) * DAY_MS + Math.floor((rand() - 0.5) * 4 * 3_600_000)
      if (gap >= 400) break
    }
    if (visits.length) {
      await writeTx(deps.db, async (tx) => {
        const ctx = await programContext(tx, merchantId, visits[0]!.at)
        let card = (await cardById(tx, cardId))!
        for (const v of visits) {
          const earned = earnForPurchase({
            amountMinor: v.amountMinor,
            discountMinor: 0,
            at: v.at,
            timezone: 'Europe/Warsaw',
            currency: 'EUR',
            rules: ctx.rules,
            tier: null,
            earnedToday: 0,
          })
          await postEntry(
            tx,
            card,
            staff,
            {
              kind: 'earn',
              points: earned.points,
              reason: earned.reason,
              why: earned.why,
              amountMinor: v.amountMinor,
              currency: 'EUR',
              programVersion: ctx.version,
              lotExpiresAt: lotExpiry(v.at, ctx.rules.expiry, 'Europe/Warsaw'),
              locationId: home?.id ?? null,
            },
            null,
            v.at,
          )
          card = { ...card, balance: card.balance + earned.points }
        }
      })
    }
    // Some spend their points on the cheapest reward, a day after the visit that got them there.
    const balance = (await cardById(deps.db, cardId))!.balance
    const reward = rewards[0]
    if (reward && balance >= reward.pointsCost && rand() < 0.6 && visits.length) {
      const at = new Date(Math.min(now.getTime() - 3_600_000, visits.at(-1)!.at.getTime() + DAY_MS))
      await redeemReward(
        { ...deps, clock: new FixedClock(at) },
        joined.customerId,
        cardId,
        reward.id,
        `demo-redeem-${i}`,
      )
    }
    // A fifth turned on push; some opened an offer.
    if (rand() < 0.2) {
      const at = joinedAt.toISOString()
      await writeTx(deps.db, (tx) =>
        upsertSubscription(tx, {
          id: newId(),
          customer_id: joined.customerId,
          endpoint: `https://push.example.test/demo-${i}`,
          p256dh: 'demo-p256dh',
          auth: 'demo-auth',
          user_agent: null,
          created_at: at,
          last_success_at: null,
        }),
      )
      const sentAgo = 1 + Math.floor(rand() * 25)
      const sent = new Date(now.getTime() - sentAgo * DAY_MS).toISOString()
      await writeTx(deps.db, (tx) =>
        insertNotification(tx, {
          id: newId(),
          merchant_id: merchantId,
          card_id: cardId,
          kind: 'offer',
          category: 'offers',
          marketing: 1,
          payload: JSON.stringify({ title: 'Two for one lemonade', body: 'This week at Demo Café' }),
          not_before: sent,
          local_day: sent.slice(0, 10),
          offer_id: null,
          created_at: sent,
          clicked_at: rand() < 0.35 ? sent : null,
        }),
      )
    }
  }
}
