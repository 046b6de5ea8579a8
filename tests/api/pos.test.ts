import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { currentCode, idemKey, merchantWithOwner, posTill } from '../helpers/factories.js'
import { addDevice, member } from '../helpers/push.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'
import { all, get } from '../helpers/db.js'

let t: TestApp
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(() => t.close())

describe('POS API', () => {
  it('tells a member with a push device what they earned, and queues nothing for one without', async () => {
    const { slug, earn } = await posTill(t)
    const withDevice = await member(t, slug, { name: 'Has phone' })
    await addDevice(withDevice.client)
    const without = await member(t, slug, { name: 'No phone' })
    expect((await earn({ cardNumber: withDevice.cardNumber, amountMinor: 500 })).status).toBe(201)
    expect((await earn({ cardNumber: without.cardNumber, amountMinor: 700 })).status).toBe(201)
    const queued = (await all(t.db, "select card_id, payload from push_notifications where kind = 'earned'")) as {
      card_id: string
      payload: string
    }[]
    expect(queued.map((r) => r.card_id)).toEqual([withDevice.cardId])
    expect(JSON.parse(queued[0]!.payload).body).toBe('You earned 50 points. Balance: 50.')
  })

  it('shows the key once and stores only its hash', async () => {
    const { apiKey, owner } = await posTill(t)
    expect(apiKey.key).toMatch(/^lw_live_/)
    const listed = await owner.get('/api/merchant/api-keys')
    expect(JSON.stringify(listed.body)).not.toContain(apiKey.key)
    const raw = await all(t.db, 'select * from api_keys')
    expect(JSON.stringify(raw)).not.toContain(apiKey.key)
  })

  it('earns by card number, and replays the first answer for the same key and body', async () => {
    const { card, earn } = await posTill(t)
    const key = idemKey()
    const first = await earn({ cardNumber: card.cardNumber, amountMinor: 1234 }, key)
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ balance: 123, entry: { points: 123 } })
    const replay = await earn({ cardNumber: card.cardNumber, amountMinor: 1234 }, key)
    expect(replay).toMatchObject({ status: 201, body: first.body })
    expect(((await get(t.db, 'select count(*) n from ledger_entries')) as { n: number }).n).toBe(1)
  })

  it('answers 409 saying so when the same key comes with another body', async () => {
    const { card, earn } = await posTill(t)
    const key = idemKey()
    await earn({ cardNumber: card.cardNumber, amountMinor: 1234 }, key)
    const res = await earn({ cardNumber: card.cardNumber, amountMinor: 999 }, key)
    expect(res.status).toBe(409)
    expect(res.body.error.message).toMatch(/Idempotency-Key was already used for a different request/)
  })

  it('earns by a scanned rotating code, once per code', async () => {
    const { card, earn } = await posTill(t)
    const code = currentCode(t, card)
    expect((await earn({ code, amountMinor: 500 })).status).toBe(201)
    const reuse = await earn({ code, amountMinor: 500 })
    expect(reuse.body.error.code).toBe('code_used')
  })

  it("refuses a revoked key, a missing key and another merchant's card", async () => {
    const { card, earn, owner, apiKey } = await posTill(t)
    const other = await merchantWithOwner(t)
    const otherKey = (await other.owner.post('/api/merchant/api-keys', { name: 'X' })).body.key
    const foreign = await earn({ cardNumber: card.cardNumber, amountMinor: 500 }, idemKey(), otherKey)
    expect(foreign.status).toBe(404)
    expect(foreign.body.error.code).toBe('card_not_found')
    expect((await earn({ cardNumber: card.cardNumber, amountMinor: 500 }, idemKey(), 'lw_live_wrong')).status).toBe(401)
    expect((await owner.delete(`/api/merchant/api-keys/${apiKey.id}`)).status).toBe(204)
    const revoked = await earn({ cardNumber: card.cardNumber, amountMinor: 500 })
    expect(revoked.status).toBe(401)
    expect(((await get(t.db, 'select count(*) n from ledger_entries')) as { n: number }).n).toBe(0)
  })

  it('needs exactly one of cardNumber or code', async () => {
    const { card, earn } = await posTill(t)
    const both = await earn({ cardNumber: card.cardNumber, code: 'LW1:X', amountMinor: 500 })
    expect(both.status).toBe(400)
    expect((await earn({ amountMinor: 500 })).status).toBe(400)
  })
})
