import { writeTx } from '../db/connection.js'
import { cardById } from '../db/queries/cards.js'
import { setStaffLocations } from '../db/queries/locations.js'
import { insertSignupLink, merchantBySlug } from '../db/queries/merchants.js'
import { staffByEmail } from '../db/queries/people.js'
import { insertOperator, markFirstRunStep } from '../db/queries/platform.js'
import { FixedClock } from '../domain/clock.js'
import { earnForPurchase } from '../domain/earning-rules.js'
import { lotExpiry } from '../domain/expiry.js'
import { newId } from '../domain/ids.js'
import { programTemplate } from '../domain/program-templates.js'
import { DAY_MS } from '../domain/time.js'
import type { Deps } from '../services/common/deps.js'
import { createMerchant } from '../services/console/setup.js'
import { applyTemplate } from '../services/first-run/templates.js'
import { addLocation } from '../services/locations/locations.js'
import { joinProgram } from '../services/members/join.js'
import { programContext } from '../services/program/engine.js'
import { postEntry } from '../services/program/post-entry.js'
import { saveStampCard } from '../services/perks/stamps.js'

/*
 * The platform part of the demo (issue 16): Demo Café's second location and its staff, a salon as a
 * second business, and a member who holds cards at both.
 */

export const SALON_SLUG = 'salon'
export const SALON_OWNER = { email: 'owner@salon.test', password: 'salon-owner-pass', name: 'Lena Salon' }
const WEEK = { open: '07:30', close: '19:00' }
const WEEKEND = { open: '09:00', close: '15:00' }

/** Marks every step of the first run done: the demo businesses are past it. */
export async function finishFirstRun(deps: Deps, merchantId: string, at: Date): Promise<void> {
  await writeTx(deps.db, async (tx) => {
    for (const step of ['program', 'branding', 'poster', 'staff', 'test_scan']) {
      await markFirstRunStep(tx, merchantId, step, at.toISOString())
    }
  })
}

/**
 * Demo Café's locations: Old Town (where the main link already is) and Riverside, with a link of
 * its own; the cashier works at Riverside only, the owner and manager anywhere. The owner runs
 * the platform too (as the first-run setup's owner would).
 */
export async function seedCafeLocations(
  deps: Deps,
  merchantId: string,
  ownerId: string,
  oldTownId: string,
  at: Date,
): Promise<Array<{ id: string; via: string }>> {
  const cashier = await staffByEmail(deps.db, 'cashier@demo.test')
  const riverside = await writeTx(deps.db, async (tx) => {
    const id = await addLocation(
      tx,
      merchantId,
      {
        name: 'Riverside',
        address: 'Bulwar Czerwieński 3, Kraków',
        timezone: 'Europe/Warsaw',
        openingHours: [WEEK, WEEK, WEEK, WEEK, WEEK, WEEKEND, WEEKEND],
        archived: false,
      },
      at,
    )
    await insertSignupLink(tx, {
      id: newId(),
      merchant_id: merchantId,
      code: 'riverside',
      campaign: 'Riverside counter',
      created_at: at.toISOString(),
      location_id: id,
    })
    if (cashier) await setStaffLocations(tx, merchantId, cashier.id, [id], at.toISOString())
    await insertOperator(tx, ownerId, at.toISOString())
    return id
  })
  return [
    { id: oldTownId, via: 'main' },
    { id: riverside, via: 'riverside' },
  ]
}

/** Salon Lena: a second business on the same installation, with its ready-made program and a few members. */
export async function seedSalon(deps: Deps, anna: { customerId: string; name: string; email: string }): Promise<void> {
  if (await merchantBySlug(deps.db, SALON_SLUG)) return
  const now = deps.clock.now()
  const created = new Date(now.getTime() - 120 * DAY_MS)
  const { merchantId, ownerId, locationId } = await createMerchant(
    deps.db,
    {
      slug: SALON_SLUG,
      name: 'Salon Lena',
      currency: 'PLN',
      timezone: 'Europe/Warsaw',
      brandColor: '#0f766e',
      accentColor: '#ccfbf1',
      kind: 'salon',
      country: 'PL',
      location: { name: 'Salon Lena, Kazimierz', address: 'ul. Józefa 9, Kraków' },
      owner: SALON_OWNER,
    },
    created,
  )
  const seedDeps = { ...deps, clock: new FixedClock(created) }
  await applyTemplate(seedDeps, merchantId, programTemplate('salon', 'PLN', 'en'))
  await saveStampCard(seedDeps, merchantId, {
    stampsRequired: 6,
    rewardTitle: 'Free hair mask treatment',
    rewardTerms: 'With any appointment.',
    rewardValidDays: 30,
    dailyLimit: 1,
    cooldownMinutes: 60,
    active: true,
  })
  await finishFirstRun(deps, merchantId, created)

  const members = [
    { ...anna, existing: anna.customerId, visits: [40, 12, 2] },
    { name: 'Maja Lis', email: 'maja@example.test', existing: null, visits: [60, 30] },
    { name: 'Iga Baran', email: 'iga@example.test', existing: null, visits: [9] },
  ]
  for (const m of members) {
    const joinedAt = new Date(now.getTime() - (m.visits[0]! + 1) * DAY_MS)
    const joined = await joinProgram(
      { ...deps, clock: new FixedClock(joinedAt) },
      { slug: SALON_SLUG, name: m.name, email: m.email, marketingConsent: true, via: 'main' },
      m.existing,
    )
    for (const daysAgo of m.visits) {
      const at = new Date(now.getTime() - daysAgo * DAY_MS)
      const amountMinor = 12_000 + daysAgo * 100
      await writeTx(deps.db, async (tx) => {
        const card = (await cardById(tx, joined.card.id))!
        const ctx = await programContext(tx, merchantId, at)
        const earned = earnForPurchase({
          amountMinor,
          discountMinor: 0,
          at,
          timezone: 'Europe/Warsaw',
          currency: 'PLN',
          rules: ctx.rules,
          tier: null,
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
            currency: 'PLN',
            programVersion: ctx.version,
            lotExpiresAt: lotExpiry(at, ctx.rules.expiry, 'Europe/Warsaw'),
            locationId,
          },
          null,
          at,
        )
      })
    }
  }
}
