import type { ProgramPreview, ProgramRules, ProgramSettings } from '../../contract/program.js'
import { writeTx } from '../../db/connection.js'
import { currentProgram, insertProgramVersion } from '../../db/queries/merchants.js'
import { merchantLedger, programVersions } from '../../db/queries/program.js'
import { DomainError } from '../../domain/errors.js'
import { newId } from '../../domain/ids.js'
import { PREVIEW_DAYS, previewRules, type PreviewEntry } from '../../domain/preview.js'
import { rulesFromVersion } from '../../domain/program-rules.js'
import { DAY_MS } from '../../domain/time.js'
import type { Deps } from '../common/deps.js'
import { programContext } from './engine.js'

export async function getProgram(deps: Deps, merchantId: string): Promise<ProgramSettings> {
  const now = deps.clock.now().toISOString()
  const current = await currentProgram(deps.db, merchantId, now)
  if (!current) throw new DomainError('not_found', 'The merchant has no program set up.')
  const latest = (await programVersions(deps.db, merchantId))[0]!
  return {
    version: current.version,
    effectiveFrom: current.effective_from,
    rules: rulesFromVersion(current),
    scheduled:
      latest.version > current.version ? { version: latest.version, effectiveFrom: latest.effective_from } : null,
  }
}

/**
 * A change is a new version effective from a moment (now when not given); history keeps the old ones,
 * and ledger entries keep the version they were earned under. A scheduled version not yet in force is
 * replaced by saving again.
 */
export async function saveProgram(
  deps: Deps,
  merchantId: string,
  rules: ProgramRules,
  effectiveFrom?: string,
): Promise<ProgramSettings> {
  const now = deps.clock.now()
  const from = effectiveFrom ? new Date(effectiveFrom) : now
  if (from.getTime() < now.getTime() - 60_000) {
    throw new DomainError('validation_failed', 'effectiveFrom: must not be in the past', [
      { path: 'effectiveFrom', message: 'must not be in the past' },
    ])
  }
  await writeTx(deps.db, async (tx) => {
    const latest = (await programVersions(tx, merchantId))[0]
    if (!latest) throw new DomainError('not_found', 'The merchant has no program set up.')
    const { pointsPerUnit, unitMinor, rounding, ...rest } = rules
    await insertProgramVersion(tx, {
      id: newId(),
      merchant_id: merchantId,
      version: latest.version + 1,
      points_per_unit: pointsPerUnit,
      unit_minor: unitMinor,
      rounding,
      rules: JSON.stringify(rest),
      effective_from: (from < now ? now : from).toISOString(),
      created_at: now.toISOString(),
    })
  })
  return getProgram(deps, merchantId)
}

/** The last 90 days replayed under the rules in force and under the proposed ones, side by side. */
export async function previewProgram(deps: Deps, merchantId: string, proposed: ProgramRules): Promise<ProgramPreview> {
  const now = deps.clock.now()
  const ctx = await programContext(deps.db, merchantId, now)
  const cards = new Map<string, PreviewEntry[]>()
  for (const r of await merchantLedger(deps.db, merchantId)) {
    let list = cards.get(r.card_id)
    if (!list) cards.set(r.card_id, (list = []))
    list.push({
      id: r.id,
      cardId: r.card_id,
      kind: r.kind,
      points: r.points,
      createdAt: r.created_at,
      lotExpiresAt: r.lot_expires_at,
      expiresEntryId: r.expires_entry_id,
      amountMinor: r.amount_minor,
      reversed: r.reversed_by !== null,
    })
  }
  const { timezone: tz, currency } = ctx.merchant
  return {
    from: new Date(now.getTime() - PREVIEW_DAYS * DAY_MS).toISOString(),
    to: now.toISOString(),
    current: previewRules(cards, ctx.rules, now, tz, currency),
    proposed: previewRules(cards, proposed, now, tz, currency),
  }
}
