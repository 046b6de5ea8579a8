import { writeTx } from '../db/connection.js'
import { cardById } from '../db/queries/cards.js'
import { insertProgramVersion, merchantBySlug } from '../db/queries/merchants.js'
import { cardTier } from '../db/queries/program.js'
import { earnForPurchase } from '../domain/earning-rules.js'
import { lotExpiry } from '../domain/expiry.js'
import { defaultRules } from '../domain/program-rules.js'
import { tierIndex } from '../domain/tiers.js'
import { staffByEmail, insertStaff } from '../db/queries/people.js'
import { FixedClock } from '../domain/clock.js'
import { newId } from '../domain/ids.js'
import { postEntry } from '../services/program/post-entry.js'
import type { Deps } from '../services/common/deps.js'
import { joinProgram } from '../services/members/join.js'
import { createApiKey } from '../services/console/keys-and-links.js'
import { hashPassword } from '../services/console/passwords.js'
import { programContext } from '../services/program/engine.js'
import { upgradeIfQualified } from '../services/program/tiers.js'
import { createMerchant } from '../services/console/setup.js'
import { issueCoupon } from '../services/perks/coupons.js'
import { createReward } from '../services/perks/rewards.js'
import { saveStampCard } from '../services/perks/stamps.js'
import { insertStamp } from '../db/queries/rewards.js'
import { seedDemoHistory } from './demo-history.js'
import { getInsightSettings, updateInsightSettings } from '../services/insights/dashboard.js'
import { seedInsightsDemo } from './insights-demo.js'
import { DAY_MS } from '../domain/time.js'
import { finishFirstRun, SALON_OWNER, SALON_SLUG, seedCafeLocations, seedSalon } from './demo-platform.js'

export const DEMO_SLUG = 'demo'
export const DEMO_STAFF = [
  { role: 'owner', email: 'owner@demo.test', password: 'demo-owner-pass', name: 'Olivia Owner' },
  { role: 'manager', email: 'manager@demo.test', password: 'demo-manager-pass', name: 'Max Manager' },
  { role: 'cashier', email: 'cashier@demo.test', password: 'demo-cashier-pass', name: 'Casey Cashier' },
] as const

const CUSTOMERS: Array<{ name: string; email: string; purchases: Array<[daysAgo: number, amountMinor: number]> }> = [
  {
    name: 'Anna Nowak',
    email: 'anna@example.test',
    purchases: [
      [60, 1250],
      [45, 890],
      [30, 2400],
      [12, 560],
      [3, 1780],
    ],
  },
  {
    name: 'Ben Carter',
    email: 'ben@example.test',
    purchases: [
      [90, 450],
      [70, 620],
      [20, 1340],
    ],
  },
  {
    name: 'Chloé Martin',
    email: 'chloe@example.test',
    purchases: [
      [40, 3200],
      [5, 980],
    ],
  },
  { name: 'Dawid Kowalski', email: 'dawid@example.test', purchases: [[120, 750]] },
  {
    name: 'Emma Schmidt',
    email: 'emma@example.test',
    purchases: [
      [8, 1520],
      [1, 430],
    ],
  },
]

/** Demo Café's program: Silver and Gold, 12-month expiry to the end of the month, welcome and birthday bonuses, a Tuesday promo. */
export const DEMO_RULES = defaultRules({
  pointsPerUnit: 1,
  unitMinor: 100,
  pointsPerVisit: 1,
  promotions: [{ name: 'Tuesday afternoon', multiplier: 2, weekdays: [2], startTime: '14:00', endTime: '17:00' }],
  tiers: [
    { name: 'Silver', threshold: 40, multiplier: 1.25, perks: 'Free oat milk' },
    { name: 'Gold', threshold: 100, multiplier: 1.5, perks: 'Free refill on filter coffee' },
  ],
  tierWindow: { kind: 'rolling', months: 12 },
  tierGraceDays: 30,
  expiry: { mode: 'afterEarn', months: 12, roundTo: 'month' },
  welcomeBonus: 10,
  birthdayBonus: 25,
  birthdayWindowDays: 7,
  referralBonus: 15,
})
const DEMO_REWARDS = [
  {
    name: 'Croissant',
    terms: 'Butter or almond.',
    image: '🥐',
    pointsCost: 40,
    stock: null,
    perMemberLimit: null,
    validDays: 30,
    active: true,
  },
  {
    name: 'Free coffee',
    terms: 'Any size, any milk.',
    image: '☕',
    pointsCost: 80,
    stock: null,
    perMemberLimit: null,
    validDays: 30,
    active: true,
  },
  {
    name: 'Demo Café tote bag',
    terms: 'While stocks last; one per member.',
    image: '👜',
    pointsCost: 300,
    stock: 20,
    perMemberLimit: 1,
    validDays: 60,
    active: true,
  },
]

export interface DemoInfo {
  slug: string
  staff: Array<{ role: string; email: string; password: string }>
  salon: { slug: string; email: string; password: string }
  /** The member who holds a card at both businesses. */
  bothCards: string
  /** Only on the run that created the merchant: keys are shown once. */
  posKey: string | null
}

/** Seeds the demo café once; running it again changes nothing and prints the same logins. */
export async function seedDemo(deps: Deps): Promise<DemoInfo> {
  const info = (posKey: string | null): DemoInfo => ({
    slug: DEMO_SLUG,
    staff: DEMO_STAFF.map(({ role, email, password }) => ({ role, email, password })),
    salon: { slug: SALON_SLUG, email: SALON_OWNER.email, password: SALON_OWNER.password },
    bothCards: CUSTOMERS[0]!.email,
    posKey,
  })
  if (await merchantBySlug(deps.db, DEMO_SLUG)) return info(null)

  const now = deps.clock.now()
  // A year and more of history: the insights screens have cohorts to show.
  const created = new Date(now.getTime() - 400 * DAY_MS)
  const owner = DEMO_STAFF[0]
  const { merchantId, ownerId, locationId } = await createMerchant(
    deps.db,
    {
      slug: DEMO_SLUG,
      name: 'Demo Café',
      currency: 'EUR',
      timezone: 'Europe/Warsaw',
      brandColor: '#7c3aed',
      accentColor: '#fde68a',
      pointsPerUnit: 1,
      unitMinor: 100,
      kind: 'cafe',
      country: 'PL',
      location: { name: 'Old Town', address: 'ul. Floriańska 12, Kraków' },
      owner: { name: owner.name, email: owner.email, password: owner.password },
    },
    created,
  )
  await writeTx(deps.db, (tx) =>
    insertProgramVersion(tx, {
      id: newId(),
      merchant_id: merchantId,
      version: 2,
      points_per_unit: DEMO_RULES.pointsPerUnit,
      unit_minor: DEMO_RULES.unitMinor,
      rounding: DEMO_RULES.rounding,
      rules: JSON.stringify(DEMO_RULES),
      effective_from: created.toISOString(),
      created_at: created.toISOString(),
    }),
  )
  for (const s of DEMO_STAFF.slice(1)) {
    if (await staffByEmail(deps.db, s.email)) continue
    const passwordHash = await hashPassword(s.password)
    await writeTx(deps.db, (tx) =>
      insertStaff(tx, {
        id: newId(),
        merchant_id: merchantId,
        email: s.email,
        name: s.name,
        role: s.role,
        password_hash: passwordHash,
        created_at: created.toISOString(),
      }),
    )
  }

  const locations = await seedCafeLocations(deps, merchantId, ownerId, locationId!, created)
  await finishFirstRun(deps, merchantId, created)
  const seedDeps = { ...deps, clock: new FixedClock(created) }
  for (const r of DEMO_REWARDS) await createReward(seedDeps, merchantId, r)
  await saveStampCard(seedDeps, merchantId, {
    stampsRequired: 8,
    rewardTitle: 'Free slice of cake',
    rewardTerms: 'Any cake from the counter.',
    rewardValidDays: 30,
    dailyLimit: 1,
    cooldownMinutes: 60,
    active: true,
  })

  let anna: { customerId: string; name: string; email: string } | null = null
  for (const c of CUSTOMERS) {
    const first = c.purchases[0]![0]
    const clock = new FixedClock(new Date(now.getTime() - (first + 1) * DAY_MS))
    const joined = await joinProgram(
      { ...deps, clock },
      { slug: DEMO_SLUG, name: c.name, email: c.email, marketingConsent: true, via: 'main' },
      null,
    )
    anna ??= { customerId: joined.customerId, name: c.name, email: c.email }
    for (const [daysAgo, amountMinor] of c.purchases) {
      const at = new Date(now.getTime() - daysAgo * DAY_MS)
      await writeTx(deps.db, async (tx) => {
        const card = (await cardById(tx, joined.card.id))!
        const ctx = await programContext(tx, merchantId, at)
        const tier = ctx.rules.tiers[tierIndex((await cardTier(tx, card.id))?.tier, ctx.rules.tiers)] ?? null
        const earned = earnForPurchase({
          amountMinor,
          discountMinor: 0,
          at,
          timezone: 'Europe/Warsaw',
          currency: 'EUR',
          rules: ctx.rules,
          tier,
          earnedToday: 0,
        })
        await postEntry(
          tx,
          card,
          { merchantId, staffId: ownerId, apiKeyId: null, role: 'owner' },
          {
            kind: 'earn',
            points: earned.points,
            reason: earned.reason,
            why: earned.why,
            amountMinor,
            currency: 'EUR',
            programVersion: ctx.version,
            lotExpiresAt: lotExpiry(at, ctx.rules.expiry, 'Europe/Warsaw'),
            locationId: locations[0]!.id,
          },
          null,
          at,
        )
        await upgradeIfQualified(tx, card.id, ctx, at)
        // One stamp per visit, as the till would have given.
        await insertStamp(tx, {
          id: newId(),
          card_id: card.id,
          merchant_id: merchantId,
          staff_id: ownerId,
          coupon_id: null,
          created_at: at.toISOString(),
          location_id: locations[0]!.id,
        })
      })
    }
    if (c === CUSTOMERS[0]) {
      await writeTx(deps.db, (tx) =>
        issueCoupon(tx, {
          cardId: joined.card.id,
          merchantId,
          source: 'campaign',
          title: 'Happy hour: 2 for 1 lemonade',
          description: 'Weekdays 14:00-17:00.',
          image: '🍋',
          weekdays: [1, 2, 3, 4, 5],
          minuteFrom: 14 * 60,
          minuteUntil: 17 * 60,
          validUntil: new Date(now.getTime() + 10 * DAY_MS),
          now: new Date(now.getTime() - 2 * DAY_MS),
        }),
      )
    }
  }
  await seedDemoHistory(deps, merchantId, ownerId, DEMO_SLUG, locations)
  // 100 points buy a croissant (3.50) at 40 or a coffee (4.00) at 80: about 5.00 per 100 points.
  await updateInsightSettings(deps, merchantId, {
    ...(await getInsightSettings(deps, merchantId)),
    pointValuePer100Minor: 500,
  })
  await seedInsightsDemo(deps, merchantId, DEMO_SLUG)
  // A second business on the same installation; Anna holds a card at both.
  await seedSalon(deps, anna!)
  const key = await createApiKey({ ...deps, clock: new FixedClock(now) }, { id: ownerId, merchantId }, 'Demo POS')
  return info(key.key)
}
