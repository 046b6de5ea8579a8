import { writeTx } from '../../db/connection.js'
import { cardById, lockedCardById } from '../../db/queries/cards.js'
import {
  allMerchants,
  cardIdsOfMerchant,
  cardsWithBirthdays,
  cardTier,
  lotLedger,
  setBelowSince,
} from '../../db/queries/program.js'
import { birthdayYear } from '../../domain/bonuses.js'
import { dueLots, replayLots } from '../../domain/expiry.js'
import { qualifyingTier, reevaluationDecision, tierIndex } from '../../domain/tiers.js'
import { localDate } from '../../domain/time.js'
import { postEntry } from './post-entry.js'
import { lastActivity, toLotEntries } from './card-status.js'
import type { Deps } from '../common/deps.js'
import { grantBonus } from './bonuses.js'
import { programContext, systemActor } from './engine.js'
import { earnedForTier, moveTier } from './tiers.js'

/**
 * Writes one 'expire' entry per lot that is due, for what is left of it after the FIFO replay. The
 * entry names its lot (a unique column), and the replay counts earlier expiries, so a second run
 * writes nothing. Returns the number of entries written.
 */
export async function expirePoints(deps: Deps): Promise<number> {
  const now = deps.clock.now()
  let written = 0
  for (const m of await allMerchants(deps.db)) {
    for (const { id } of await cardIdsOfMerchant(deps.db, m.id)) {
      written += await writeTx(deps.db, async (tx) => {
        // The card first, held to the commit: its ledger cannot change under the replay below.
        if (!(await lockedCardById(tx, id))) return 0
        const ctx = await programContext(tx, m.id, now)
        const ledger = await lotLedger(tx, id)
        const due = dueLots(replayLots(toLotEntries(ledger)), now, ctx.rules.expiry, lastActivity(ledger), m.timezone)
        for (const lot of due) {
          const card = (await cardById(tx, id))!
          const earned = ledger.find((e) => e.id === lot.lotId)!
          await postEntry(
            tx,
            card,
            systemActor(m.id),
            {
              kind: 'expire',
              points: -Math.min(lot.points, card.balance),
              reason: `${lot.points} points earned on ${localDate(new Date(earned.created_at), m.timezone)} expired`,
              why: {
                code: 'expire',
                params: { points: lot.points, earnedOn: localDate(new Date(earned.created_at), m.timezone) },
              },
              programVersion: ctx.version,
              expiresEntryId: lot.lotId,
            },
            null,
            now,
          )
        }
        return due.length
      })
    }
  }
  return written
}

/** Moves cards up when they qualify, and down only after the grace period since they fell below. */
export async function reevaluateTiers(deps: Deps): Promise<number> {
  const now = deps.clock.now()
  let moved = 0
  for (const m of await allMerchants(deps.db)) {
    for (const { id } of await cardIdsOfMerchant(deps.db, m.id)) {
      moved += await writeTx(deps.db, async (tx) => {
        const ctx = await programContext(tx, m.id, now)
        const row = await cardTier(tx, id)
        if (ctx.rules.tiers.length === 0 && !row) return 0
        const current = tierIndex(row?.tier, ctx.rules.tiers)
        const qualifying = qualifyingTier(await earnedForTier(tx, id, ctx, now), ctx.rules.tiers)
        // A tier that no longer exists in the rules is left at once for what the card qualifies for.
        if (row && current === -1) {
          const to = ctx.rules.tiers[qualifying]?.name ?? null
          await moveTier(tx, id, ctx, row.tier, to, 'down', now)
          return 1
        }
        const d = reevaluationDecision(current, qualifying, row?.below_since ?? null, now, ctx.rules.tierGraceDays)
        switch (d.action) {
          case 'up':
          case 'down':
            await moveTier(tx, id, ctx, row?.tier ?? null, ctx.rules.tiers[d.to]?.name ?? null, d.action, now)
            return 1
          case 'markBelow':
            await setBelowSince(tx, id, now.toISOString())
            return 0
          case 'clearBelow':
            await setBelowSince(tx, id, null)
            return 0
          case 'keep':
            return 0
        }
      })
    }
  }
  return moved
}

/** The birthday bonus, once per card and birthday year, on any day within the window around the date. */
export async function grantBirthdayBonuses(deps: Deps): Promise<number> {
  const now = deps.clock.now()
  let granted = 0
  for (const m of await allMerchants(deps.db)) {
    for (const c of await cardsWithBirthdays(deps.db, m.id)) {
      granted += await writeTx(deps.db, async (tx) => {
        const ctx = await programContext(tx, m.id, now)
        if (ctx.rules.birthdayBonus <= 0) return 0
        const year = birthdayYear(c.birthday!, now, m.timezone, ctx.rules.birthdayWindowDays)
        if (year === null) return 0
        const ok = await grantBonus(
          tx,
          c.id,
          ctx,
          {
            kind: 'birthday',
            period: String(year),
            points: ctx.rules.birthdayBonus,
            reason: 'Happy birthday!',
            why: { code: 'birthday' },
          },
          now,
        )
        return ok ? 1 : 0
      })
    }
  }
  return granted
}
