import { FIRST_RUN_STEPS, type FirstRun, type FirstRunStepName } from '../../contract/platform.js'
import { writeTx, type Db } from '../../db/connection.js'
import { merchantById } from '../../db/queries/merchants.js'
import { firstRunSteps, markFirstRunStep, setMerchantFields } from '../../db/queries/platform.js'
import { programVersions } from '../../db/queries/program.js'
import { staffOfMerchant } from '../../db/queries/console.js'
import type { Merchant } from '../../db/schema.js'
import { businessStatus } from '../../domain/business-status.js'
import { DomainError } from '../../domain/errors.js'
import type { Deps } from '../common/deps.js'

type Step = FirstRun['steps'][number]

/** Each step done or not, from what the business has (and the marks the owner made). */
async function stepsOf(db: Db, m: Merchant): Promise<Step[]> {
  const marks = new Map((await firstRunSteps(db, m.id)).map((r) => [r.step, r]))
  const mark = (step: FirstRunStepName): Step => {
    const r = marks.get(step)
    return { step, done: !!r, skipped: r?.skipped === 1, doneAt: r?.done_at ?? null }
  }
  const from = (step: FirstRunStepName, at: string | null | undefined): Step =>
    at ? { step, done: true, skipped: false, doneAt: at } : mark(step)
  const versions = await programVersions(db, m.id)
  const staff = await staffOfMerchant(db, m.id)
  return FIRST_RUN_STEPS.map((step) => {
    switch (step) {
      case 'email':
        return from(step, m.email_verified_at)
      case 'program':
        // Saving the program on its own screen counts too (the first version is the empty default).
        return from(step, marks.get(step)?.done_at ?? (versions.length > 1 ? versions[0]!.created_at : null))
      case 'branding':
        return from(step, marks.get(step)?.done_at ?? null)
      case 'staff':
        return marks.has(step) ? mark(step) : from(step, staff.length > 1 ? staff[1]!.created_at : null)
      case 'go_live':
        return from(step, m.live_at)
      default:
        return mark(step)
    }
  })
}

export async function firstRun(deps: Deps, merchantId: string, ownerEmail: string): Promise<FirstRun> {
  const m = await merchantById(deps.db, merchantId)
  if (!m) throw new DomainError('merchant_not_found', 'Unknown merchant.')
  const steps = await stepsOf(deps.db, m)
  const done = (s: FirstRunStepName) => steps.find((x) => x.step === s)!.done
  const remaining = steps.filter((s) => !s.done).length
  return {
    status: businessStatus(m),
    kind: (m.kind as FirstRun['kind']) ?? null,
    steps,
    complete: remaining === 0,
    remaining,
    canGoLive: done('email') && done('program'),
    ownerEmail,
  }
}

/** Whether the owner still lands on the checklist. */
export async function firstRunComplete(db: Db, m: Merchant): Promise<boolean> {
  return (await stepsOf(db, m)).every((s) => s.done)
}

/** The owner vouches for a step only they can see done: the poster printed or the link shared; staff invited or skipped. */
export async function markStep(deps: Deps, merchantId: string, step: 'poster' | 'staff', skipped: boolean) {
  await writeTx(deps.db, (tx) => markFirstRunStep(tx, merchantId, step, deps.clock.now().toISOString(), skipped))
}

/** Opens the business to members: needs the proven address and a program. */
export async function goLive(deps: Deps, merchantId: string, ownerEmail: string): Promise<FirstRun> {
  const state = await firstRun(deps, merchantId, ownerEmail)
  if (state.status === 'suspended' || state.status === 'closed') {
    throw new DomainError('business_suspended', 'This business is suspended by the platform operator.')
  }
  if (state.status === 'setup') {
    if (!state.steps.find((s) => s.step === 'email')!.done) {
      throw new DomainError(
        'email_not_verified',
        `Confirm your email address first: open the link we sent to ${ownerEmail}.`,
      )
    }
    if (!state.steps.find((s) => s.step === 'program')!.done) {
      throw new DomainError('program_not_chosen', 'Choose your program first.')
    }
    const at = deps.clock.now().toISOString()
    await writeTx(deps.db, (tx) => setMerchantFields(tx, merchantId, { live_at: at }))
  }
  return firstRun(deps, merchantId, ownerEmail)
}
