import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WriteLock } from '../../server/db/write-lock.js'
import { earnFromPos } from '../../server/services/award-points.js'
import { startLedgerThread } from '../../server/services/ledger-thread.js'
import { currentCode, idemKey, posTill } from '../helpers/factories.js'
import { makeTestApp, T0, type TestApp } from '../helpers/test-app.js'

/** POS earns as the server runs them: on the ledger thread, its own connection, beside the request thread's writes. */
let t: TestApp
beforeEach(async () => {
  t = await makeTestApp({}, { ledgerThread: true })
})
afterEach(() => t.close())

const thread = () => t.deps.ledgerThread!
const rows = (cardId: string) =>
  t.sqlite
    .prepare(
      'select points, balance_after, created_at, api_key_id from ledger_entries where card_id = ? order by rowid',
    )
    .all(cardId) as {
    points: number
    balance_after: number
    created_at: string
    api_key_id: string | null
  }[]
const balance = (cardId: string) =>
  (t.sqlite.prepare('select balance from cards where id = ?').get(cardId) as { balance: number }).balance

describe('POS earns on the ledger thread', () => {
  it("earn on the thread, at the time of the request thread's clock, with the same answer and rows as on the request thread", async () => {
    const { card, earn, apiKey } = await posTill(t)
    expect(thread().running).toBe(true)
    t.clock.set('2026-03-10T15:30:00.000Z')
    const res = await earn({ cardNumber: card.cardNumber, amountMinor: 1234 })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      balance: 123,
      entry: { points: 123, kind: 'earn', createdAt: '2026-03-10T15:30:00.000Z' },
    })
    expect(thread().answered).toBe(1)
    expect(rows(card.id)).toEqual([
      { points: 123, balance_after: 123, created_at: '2026-03-10T15:30:00.000Z', api_key_id: apiKey.id },
    ])
    expect(balance(card.id)).toBe(123)
  })

  it('replays the first answer for the same key, refuses another body with 409, and maps refusals to their 4xx', async () => {
    const { card, earn } = await posTill(t)
    const key = idemKey()
    const first = await earn({ cardNumber: card.cardNumber, amountMinor: 500 }, key)
    const again = await earn({ cardNumber: card.cardNumber, amountMinor: 500 }, key)
    expect(again).toMatchObject({ status: 201, body: first.body })
    const other = await earn({ cardNumber: card.cardNumber, amountMinor: 501 }, key)
    expect(other.status).toBe(409)
    expect(other.body.error).toMatchObject({
      code: 'idempotency_conflict',
      message: expect.stringMatching(/already used for a different request/),
    })
    const unknown = await earn({ cardNumber: 'ZZZZZZZZZZ', amountMinor: 500 })
    expect(unknown.status).toBe(404)
    expect(unknown.body.error.code).toBe('card_not_found')
    const code = currentCode(t, card)
    expect((await earn({ code, amountMinor: 100 })).status).toBe(201)
    expect((await earn({ code, amountMinor: 100 })).body.error.code).toBe('code_used')
    expect(thread().answered).toBe(6)
    expect(rows(card.id).map((r) => r.points)).toEqual([50, 10])
  })

  it('writes one row for 20 identical concurrent requests, and every caller gets the same answer', async () => {
    const { card, earn } = await posTill(t)
    const key = idemKey()
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => earn({ cardNumber: card.cardNumber, amountMinor: 990 }, key)),
    )
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([201]))
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1)
    expect(rows(card.id)).toHaveLength(1)
    expect(balance(card.id)).toBe(99)
  })

  it("takes turns with the request thread's writes on the same card: every balance follows from the one before", async () => {
    const { card, earn, actor } = await posTill(t)
    // 40 earns through the thread and 40 on this thread at the same moment, on one card.
    const onThread = Array.from({ length: 40 }, (_, i) =>
      earn({ cardNumber: card.cardNumber, amountMinor: 100 * (i + 1) }),
    )
    const here = Array.from({ length: 40 }, (_, i) =>
      earnFromPos(t.deps, actor, { cardNumber: card.cardNumber, amountMinor: 1000 + 10 * i }, idemKey()),
    )
    const [threadAnswers, hereAnswers] = await Promise.all([Promise.all(onThread), Promise.all(here)])
    expect(threadAnswers.every((a) => a.status === 201)).toBe(true)
    expect(hereAnswers).toHaveLength(40)
    const history = rows(card.id)
    expect(history).toHaveLength(80)
    let running = 0
    for (const r of history) {
      running += r.points
      expect(r.balance_after).toBe(running)
    }
    const expected = Array.from({ length: 40 }, (_, i) => (i + 1) * 10 + Math.floor((1000 + 10 * i) / 10)).reduce(
      (a, b) => a + b,
      0,
    )
    expect(balance(card.id)).toBe(expected)
    expect(thread().answered).toBe(40)
  })

  it('answers every earn handed over before it closes, then earns run on the request thread', async () => {
    const { card, earn, actor } = await posTill(t)
    const inFlight = Array.from({ length: 25 }, () =>
      thread().earnFromPos(actor, { cardNumber: card.cardNumber, amountMinor: 100 }, idemKey(), t.clock.now()),
    )
    const closed = thread().close()
    expect(thread().running).toBe(false)
    const answers = await Promise.all(inFlight)
    await closed
    expect(answers.map((a) => a.body.entry.points)).toEqual(Array(25).fill(10))
    expect(thread().answered).toBe(25)
    const after = await earn({ cardNumber: card.cardNumber, amountMinor: 100 })
    expect(after.status).toBe(201)
    expect(after.body.balance).toBe(260)
    expect(thread().answered).toBe(25)
    expect(rows(card.id)).toHaveLength(26)
    expect(rows(card.id).every((r) => r.created_at === T0.toISOString())).toBe(true)
  })

  it('refuses to start, saying why, when it cannot open the database (the server then earns on the request thread)', async () => {
    // A directory where the database file should be.
    const config = { ...t.deps.config, dbFile: t.deps.config.dataDir }
    await expect(startLedgerThread(config, new WriteLock(), { checkpointsElsewhere: false })).rejects.toThrow(
      /unable to open|directory|SQLITE_CANTOPEN/i,
    )
  })
})
