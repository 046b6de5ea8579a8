import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addStaff, currentCode, idemKey, joinedCustomer, merchantWithOwner, scan } from '../helpers/factories.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'
import { get } from '../helpers/db.js'

let t: TestApp
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(() => t.close())

const ledgerRows = async () => ((await get(t.db, 'select count(*) n from ledger_entries')) as { n: number }).n
async function balanceEqualsLedger(cardId: string) {
  const row = (await get(
    t.db,
    'select c.balance, coalesce(sum(e.points),0) total from cards c left join ledger_entries e on e.card_id = c.id where c.id = ? group by c.id',
    cardId,
  )) as { balance: number; total: number }
  expect(row.balance).toBe(row.total)
  return row.balance
}

async function setup() {
  const m = await merchantWithOwner(t)
  const cashier = await addStaff(t, m.merchantId, 'cashier')
  const customer = await joinedCustomer(t, m.slug)
  return { ...m, cashier, ...customer }
}

describe('scanning a card at the till', () => {
  it('opens the card with the rotating code and shows its summary', async () => {
    const { cashier, card } = await setup()
    const res = await cashier.post('/api/staff/scan', { code: currentCode(t, card) })
    expect(res.status).toBe(200)
    expect(res.body.card).toMatchObject({ cardId: card.id, cardNumber: card.cardNumber, memberName: 'Ada', balance: 0 })
    expect(res.body.handle).toEqual(expect.any(String))
  })

  it('accepts the typed short code as well as the QR payload', async () => {
    const { cashier, card } = await setup()
    const [, number, digits] = currentCode(t, card).split(':')
    const typed = `${number!.slice(0, 4)} ${number!.slice(4).toLowerCase()} ${digits!.slice(0, 3)}-${digits!.slice(3)}`
    expect((await cashier.post('/api/staff/scan', { code: typed })).status).toBe(200)
  })

  it('refuses the same code a second time', async () => {
    const { cashier, card } = await setup()
    const code = currentCode(t, card)
    expect((await cashier.post('/api/staff/scan', { code })).status).toBe(200)
    const again = await cashier.post('/api/staff/scan', { code })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('code_used')
  })

  it('accepts one step of clock skew but refuses a code older than that as expired', async () => {
    const { cashier, card } = await setup()
    const skewed = currentCode(t, card, -1)
    expect((await cashier.post('/api/staff/scan', { code: skewed })).status).toBe(200)
    t.clock.advance(5 * 60_000)
    const stale = currentCode(t, card, -2)
    const res = await cashier.post('/api/staff/scan', { code: stale })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({ code: 'code_expired', message: expect.stringMatching(/expired/) })
  })

  it("does not open another merchant's card", async () => {
    const { card } = await setup()
    const other = await merchantWithOwner(t)
    const res = await other.owner.post('/api/staff/scan', { code: currentCode(t, card) })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('code_invalid')
    expect(JSON.stringify(res.body)).not.toContain('Ada')
  })

  it('needs a staff session', async () => {
    const { card } = await setup()
    const res = await t.client().post('/api/staff/scan', { code: currentCode(t, card) })
    expect(res.status).toBe(401)
  })
})

describe('awarding points', () => {
  it('awards points for a purchase per the program rate and the customer sees them', async () => {
    const { cashier, card, client } = await setup()
    const handle = await scan(t, cashier, card)
    const res = await cashier.post('/api/staff/earn', { handle, amountMinor: 1299 }, { 'idempotency-key': idemKey() })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      balance: 12,
      entry: { kind: 'earn', points: 12, balanceAfter: 12, amountMinor: 1299 },
    })
    const detail = await client.get(`/api/me/cards/${card.id}`)
    expect(detail.body.card.balance).toBe(12)
    expect(detail.body.history[0]).toMatchObject({ reason: 'Purchase of 12.99 EUR', points: 12, balanceAfter: 12 })
    expect(await balanceEqualsLedger(card.id)).toBe(12)
  })

  it('writes exactly one ledger row for 20 concurrent identical requests, and answers them all alike', async () => {
    const { cashier, card } = await setup()
    const handle = await scan(t, cashier, card)
    const key = idemKey()
    const before = await ledgerRows()
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        cashier.post('/api/staff/earn', { handle, amountMinor: 500 }, { 'idempotency-key': key }),
      ),
    )
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([201]))
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1)
    expect((await ledgerRows()) - before).toBe(1)
    expect(await balanceEqualsLedger(card.id)).toBe(5)
  })

  it('answers 409 when an Idempotency-Key is reused with a different body, and writes nothing', async () => {
    const { cashier, card } = await setup()
    const handle = await scan(t, cashier, card)
    const key = idemKey()
    await cashier.post('/api/staff/earn', { handle, amountMinor: 500 }, { 'idempotency-key': key })
    const res = await cashier.post('/api/staff/earn', { handle, amountMinor: 900 }, { 'idempotency-key': key })
    expect(res.status).toBe(409)
    expect(res.body.error).toMatchObject({
      code: 'idempotency_conflict',
      message: expect.stringMatching(/different request/),
    })
    expect(await balanceEqualsLedger(card.id)).toBe(5)
  })

  it.each([
    ['no Idempotency-Key', { amountMinor: 500 }, {}],
    ['negative amount', { amountMinor: -500 }, undefined],
    ['zero amount', { amountMinor: 0 }, undefined],
    ['absurd amount', { amountMinor: 10 ** 12 }, undefined],
    ['fractional amount', { amountMinor: 12.5 }, undefined],
    ['amount as text', { amountMinor: '500' }, undefined],
    ['missing amount', {}, undefined],
  ])('refuses %s with 400 and writes nothing', async (_label, body, headers) => {
    const { cashier, card } = await setup()
    const handle = await scan(t, cashier, card)
    const before = await ledgerRows()
    const res = await cashier.post('/api/staff/earn', { handle, ...body }, headers ?? { 'idempotency-key': idemKey() })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('validation_failed')
    expect(res.body.error.message).toMatch(/\w+: /)
    expect(await ledgerRows()).toBe(before)
  })

  it('refuses an expired or foreign handle', async () => {
    const { cashier, card, merchantId } = await setup()
    const handle = await scan(t, cashier, card)
    const other = await merchantWithOwner(t)
    const foreign = await other.owner.post(
      '/api/staff/earn',
      { handle, amountMinor: 500 },
      { 'idempotency-key': idemKey() },
    )
    expect(foreign.status).toBe(410)
    t.clock.advance(6 * 60_000)
    const late = await cashier.post('/api/staff/earn', { handle, amountMinor: 500 }, { 'idempotency-key': idemKey() })
    expect(late.status).toBe(410)
    expect(late.body.error.code).toBe('handle_expired')
    expect(await balanceEqualsLedger(card.id)).toBe(0)
    expect(merchantId).toBeTruthy()
  })

  it('lets an owner or manager adjust with a reason, but not a cashier', async () => {
    const { cashier, owner, card, merchantId } = await setup()
    const manager = await addStaff(t, merchantId, 'manager')
    const handle = await scan(t, cashier, card)
    const denied = await cashier.post(
      '/api/staff/adjust',
      { handle, points: 50, reason: 'Goodwill' },
      { 'idempotency-key': idemKey() },
    )
    expect(denied.status).toBe(403)
    expect(denied.body.error.code).toBe('forbidden')
    const ownerHandle = await scan(t, owner, card)
    const ok = await owner.post(
      '/api/staff/adjust',
      { handle: ownerHandle, points: 50, reason: 'Goodwill' },
      { 'idempotency-key': idemKey() },
    )
    expect(ok.status).toBe(201)
    expect(ok.body.entry).toMatchObject({ kind: 'adjust', points: 50, reason: 'Goodwill' })
    const managerHandle = await scan(t, manager, card)
    const down = await manager.post(
      '/api/staff/adjust',
      { handle: managerHandle, points: -20, reason: 'Duplicate' },
      { 'idempotency-key': idemKey() },
    )
    expect(down.body.balance).toBe(30)
    const tooMuch = await manager.post(
      '/api/staff/adjust',
      { handle: managerHandle, points: -31, reason: 'Too much' },
      { 'idempotency-key': idemKey() },
    )
    expect(tooMuch.status).toBe(422)
    expect(tooMuch.body.error.code).toBe('insufficient_balance')
    expect(await balanceEqualsLedger(card.id)).toBe(30)
  })

  it('undoes the last award within 10 minutes with a reversal entry, once', async () => {
    const { cashier, card, client } = await setup()
    const handle = await scan(t, cashier, card)
    const earn = await cashier.post('/api/staff/earn', { handle, amountMinor: 2000 }, { 'idempotency-key': idemKey() })
    const undo = await cashier.post(
      '/api/staff/undo',
      { handle, entryId: earn.body.entry.id },
      { 'idempotency-key': idemKey() },
    )
    expect(undo.status).toBe(201)
    expect(undo.body).toMatchObject({
      balance: 0,
      entry: { kind: 'reversal', points: -20, reversesEntryId: earn.body.entry.id },
    })
    const twice = await cashier.post(
      '/api/staff/undo',
      { handle, entryId: earn.body.entry.id },
      { 'idempotency-key': idemKey() },
    )
    expect(twice.status).toBe(409)
    expect(twice.body.error.code).toBe('already_reversed')
    const history = (await client.get(`/api/me/cards/${card.id}`)).body.history
    expect(history.map((e: { kind: string }) => e.kind)).toEqual(['reversal', 'earn'])
    expect(history[1].reversed).toBe(true)
    expect(await balanceEqualsLedger(card.id)).toBe(0)
  })

  it('refuses to undo after 10 minutes', async () => {
    const { cashier, card } = await setup()
    const handle = await scan(t, cashier, card)
    const earn = await cashier.post('/api/staff/earn', { handle, amountMinor: 2000 }, { 'idempotency-key': idemKey() })
    t.clock.advance(11 * 60_000)
    const fresh = await scan(t, cashier, card)
    const res = await cashier.post(
      '/api/staff/undo',
      { handle: fresh, entryId: earn.body.entry.id },
      { 'idempotency-key': idemKey() },
    )
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('undo_window_passed')
    expect(await balanceEqualsLedger(card.id)).toBe(20)
  })
})
