import type { BusinessKind, ProgramTemplate } from '../../contract/platform.js'
import { writeTx } from '../../db/connection.js'
import { merchantById } from '../../db/queries/merchants.js'
import { markFirstRunStep, setMerchantFields } from '../../db/queries/platform.js'
import { rewardsOfMerchant } from '../../db/queries/rewards.js'
import { DomainError } from '../../domain/errors.js'
import { programTemplate } from '../../domain/program-templates.js'
import type { Deps } from '../common/deps.js'
import { createReward } from '../perks/rewards.js'
import { saveStampCard } from '../perks/stamps.js'
import { getProgram, saveProgram } from '../program/settings.js'

/** The ready-made program for a kind (the business's own kind when none is named). */
export async function templateFor(
  deps: Deps,
  merchantId: string,
  kind: BusinessKind | undefined,
  locale: 'en' | 'pl',
): Promise<ProgramTemplate> {
  const m = await merchantById(deps.db, merchantId)
  if (!m) throw new DomainError('merchant_not_found', 'Unknown merchant.')
  return programTemplate(kind ?? (m.kind as BusinessKind | null) ?? 'other', m.currency, locale)
}

/**
 * Applies a (possibly edited) ready-made program through the same services as the Program and
 * Rewards screens: a new program version keeping everything the template does not name, the stamp
 * card, and the starter rewards not already in the catalog (applying twice adds nothing twice).
 */
export async function applyTemplate(deps: Deps, merchantId: string, t: ProgramTemplate): Promise<void> {
  const current = await getProgram(deps, merchantId)
  await saveProgram(deps, merchantId, {
    ...current.rules,
    pointsPerUnit: t.pointsPerUnit,
    unitMinor: t.unitMinor,
    welcomeBonus: t.welcomeBonus,
    birthdayBonus: t.birthdayBonus,
    expiry: t.expiryMonths ? { mode: 'afterEarn', months: t.expiryMonths, roundTo: 'none' } : { mode: 'none' },
  })
  if (t.stampCard) {
    await saveStampCard(deps, merchantId, {
      stampsRequired: t.stampCard.stampsRequired,
      rewardTitle: t.stampCard.rewardTitle,
      rewardTerms: t.stampCard.rewardTerms,
      rewardValidDays: 30,
      dailyLimit: 1,
      cooldownMinutes: 60,
      active: true,
    })
  }
  const existing = new Set((await rewardsOfMerchant(deps.db, merchantId)).map((r) => r.name.toLowerCase()))
  for (const r of t.rewards) {
    if (existing.has(r.name.toLowerCase())) continue
    await createReward(deps, merchantId, {
      name: r.name,
      terms: r.terms,
      image: r.image,
      pointsCost: r.pointsCost,
      stock: null,
      perMemberLimit: null,
      validDays: 30,
      active: true,
    })
  }
  const at = deps.clock.now().toISOString()
  await writeTx(deps.db, async (tx) => {
    await markFirstRunStep(tx, merchantId, 'program', at)
    const m = await merchantById(tx, merchantId)
    if (m && !m.kind) await setMerchantFields(tx, merchantId, { kind: t.kind })
  })
}
