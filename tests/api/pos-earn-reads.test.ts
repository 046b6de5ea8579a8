import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeTx } from '../../server/db/connection.js'
import { newId } from '../../server/domain/ids.js'
import { computeStatus } from '../../server/services/program/card-summary.js'
import { programContext } from '../../server/services/program/engine.js'
import { all, countOf, get } from '../helpers/db.js'
import { posTill } from '../helpers/factories.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'
import { addEndpoint, LOCALHOST_OK } from '../helpers/webhooks.js'

/*
 * A POS earn reads the program, the card's tier row, whether the card has wallet passes and the
 * business's webhook endpoints in one statement with the quote, and the posting and the card's
 * summary use what it read instead of reading each again. These guard that what it writes is what
 * reading each again would have given.
 */

let t: TestApp
beforeEach(async () => {
  t = await makeTestApp(LOCALHOST_OK)
})
afterEach(() => t.close())

/** The card's kept summary, and its status computed afresh from the database at the same moment. */
async function keptAndFresh(cardId: string, merchantId: string) {
  const s = (await get<{
    program_version: number
    status: string
    stale_at: string | null
    computed_at: string
    last_activity_at: string | null
  }>(
    t.db,
    'select program_version, status, stale_at, computed_at, last_activity_at from card_summaries where card_id = ?',
    cardId,
  ))!
  const made = new Date(s.computed_at)
  const ctx = await programContext(t.db, merchantId, made)
  const fresh = await computeStatus(t.db, cardId, ctx, made, s.last_activity_at)
  return {
    kept: { version: s.program_version, status: JSON.parse(s.status) as unknown, staleAt: s.stale_at },
    fresh: { version: ctx.version, status: fresh.status, staleAt: fresh.staleAt },
  }
}

describe('a POS earn', () => {
  it('keeps the summary a fresh recompute gives, through a tier move and on a card that has a tier', async () => {
    const till = await posTill(t)
    const put = await till.owner.req('PUT', '/api/merchant/program', {
      rules: {
        pointsPerUnit: 10,
        unitMinor: 100,
        tiers: [
          { name: 'Silver', threshold: 100, multiplier: 1 },
          { name: 'Gold', threshold: 300, multiplier: 2 },
        ],
        tierWindow: { kind: 'rolling', months: 1 },
        expiry: { mode: 'afterEarn', months: 2, roundTo: 'none' },
      },
    })
    expect(put.status).toBe(200)
    const earn = async (amountMinor: number) => {
      const res = await till.earn({ cardNumber: till.card.cardNumber, amountMinor })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      const { kept, fresh } = await keptAndFresh(till.card.id, till.merchantId)
      expect(kept).toEqual(fresh)
      return res.body as { balance: number }
    }
    await earn(500) // 50 points, no tier
    await earn(1000) // 150: Silver, moved by this earn
    expect(await get(t.db, 'select tier from card_tiers where card_id = ?', till.card.id)).toEqual({ tier: 'Silver' })
    t.clock.advance(60_000)
    await earn(1000) // 250, still Silver: the tier row came with the program read
    t.clock.advance(60_000)
    expect((await earn(500)).balance).toBe(300) // Gold
    t.clock.advance(60_000)
    expect((await earn(100)).balance).toBe(320) // Gold's multiplier: the quote saw the tier row
  })

  it('queues an update for each wallet pass and a delivery for each active endpoint that listens', async () => {
    const till = await posTill(t)
    const listens = await addEndpoint(till.owner, 'http://127.0.0.1:9/a', ['points.earned'])
    await addEndpoint(till.owner, 'http://127.0.0.1:9/b', ['member.joined'])
    const disabled = await addEndpoint(till.owner, 'http://127.0.0.1:9/c', ['points.earned'])
    const also = await addEndpoint(till.owner, 'http://127.0.0.1:9/d', ['points.earned', 'tier.changed'])
    await writeTx(t.db, (tx) =>
      tx.updateTable('webhook_endpoints').set({ state: 'disabled' }).where('id', '=', disabled.id).execute(),
    )
    const earn = async () => {
      const res = await till.earn({ cardNumber: till.card.cardNumber, amountMinor: 1000 })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
    }

    await earn()
    const deliveries = await all<{ endpoint_id: string }>(
      t.db,
      `select d.endpoint_id from webhook_deliveries d join webhook_events e on e.id = d.event_id
       where e.type = 'points.earned' order by d.endpoint_id`,
    )
    expect(deliveries.map((d) => d.endpoint_id)).toEqual([listens.id, also.id].sort())
    expect(await countOf(t.db, 'select count(*) as n from wallet_outbox')).toBe(0)

    // A pass added since: the next earn finds it.
    const at = t.clock.now().toISOString()
    await writeTx(t.db, (tx) =>
      tx
        .insertInto('wallet_passes')
        .values({
          id: newId(),
          card_id: till.card.id,
          merchant_id: till.merchantId,
          kind: 'google',
          auth_token_hash: null,
          member_code: null,
          google_object_id: `obj-${till.card.id}`,
          created_at: at,
          updated_at: at,
          last_status: null,
          last_error: null,
          last_sent_at: null,
        })
        .execute(),
    )
    await earn()
    expect(await all(t.db, 'select card_id, kind from wallet_outbox')).toEqual([
      { card_id: till.card.id, kind: 'google' },
    ])
  })

  it('writes no event and queues no pass update when the business has no endpoint and the card no pass', async () => {
    const till = await posTill(t)
    const res = await till.earn({ cardNumber: till.card.cardNumber, amountMinor: 1000 })
    expect(res.status).toBe(201)
    expect(await countOf(t.db, "select count(*) as n from webhook_events where type = 'points.earned'")).toBe(0)
    expect(await countOf(t.db, 'select count(*) as n from wallet_outbox')).toBe(0)
  })
})
