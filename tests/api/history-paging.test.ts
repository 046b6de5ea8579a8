import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { idemKey, posTill } from '../helpers/factories.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await makeTestApp()
})
afterAll(() => t.close())

interface Entry {
  id: string
  seq: number
  points: number
  balanceAfter: number
  createdAt: string
}

describe('a card history of 231 entries', () => {
  it('pages back to the first entry in posting order; each balance after follows from the one before and the sum is the balance', async () => {
    const till = await posTill(t)
    const member = t.client()
    // The member's session: sign the POS member's wallet in through its join client.
    const joined = await member.post('/api/join', { slug: till.slug, name: 'Grace' })
    const card = joined.body.card as { id: string; cardNumber: string }
    // Two tills (and the console) serve the one card at once: 231 entries, in batches that interleave,
    // all at the same clock time, so created_at cannot order them.
    let made = 0
    while (made < 231) {
      const batch: Promise<unknown>[] = []
      for (let i = 0; i < 20 && made < 231; i++, made++) {
        if (made % 10 === 9 && made > 20) {
          batch.push(
            till.owner.post(
              `/api/merchant/customers/${card.id}/adjust`,
              { points: -3, reason: 'Broken cup' },
              { 'idempotency-key': idemKey() },
            ),
          )
        } else {
          batch.push(till.earn({ cardNumber: card.cardNumber, amountMinor: 100 + (made % 7) * 50 }))
        }
      }
      const answers = (await Promise.all(batch)) as Array<{ status: number }>
      for (const a of answers) expect(a.status).toBe(201)
    }

    const first = await member.get(`/api/me/cards/${card.id}`)
    expect(first.status).toBe(200)
    const entries: Entry[] = [...first.body.history]
    let next: number | null = first.body.historyNext
    expect(entries).toHaveLength(50)
    let pages = 1
    while (next !== null) {
      const page = await member.get(`/api/me/cards/${card.id}/history?before=${next}&limit=50`)
      expect(page.status).toBe(200)
      entries.push(...page.body.entries)
      next = page.body.nextBefore
      pages++
    }
    expect(pages).toBe(5)
    expect(entries).toHaveLength(231)
    expect(new Set(entries.map((e) => e.id)).size).toBe(231)
    expect(new Set(entries.map((e) => e.createdAt)).size).toBe(1)
    // Newest first: seq runs 231 .. 1, and every balance follows from the entry posted before it.
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 231 }, (_, i) => 231 - i))
    for (let i = 0; i < entries.length - 1; i++) {
      expect(entries[i]!.balanceAfter).toBe(entries[i + 1]!.balanceAfter + entries[i]!.points)
    }
    expect(entries[230]!.balanceAfter).toBe(entries[230]!.points)
    const balance = first.body.card.balance as number
    expect(entries.reduce((s, e) => s + e.points, 0)).toBe(balance)
    expect(entries[0]!.balanceAfter).toBe(balance)
  })

  it("is the member's own card only, and refuses a bad cursor", async () => {
    const till = await posTill(t)
    const stranger = t.client()
    await stranger.post('/api/join', { slug: till.slug, name: 'Eve' })
    expect((await stranger.get(`/api/me/cards/${till.card.id}/history`)).status).toBe(404)
    expect((await t.client().get(`/api/me/cards/${till.card.id}/history`)).status).toBe(401)
    const mine = t.client()
    const own = (await mine.post('/api/join', { slug: till.slug, name: 'Mo' })).body.card.id as string
    expect((await mine.get(`/api/me/cards/${own}/history?before=abc`)).status).toBe(400)
    expect((await mine.get(`/api/me/cards/${own}/history?limit=500`)).status).toBe(400)
    expect((await mine.get(`/api/me/cards/${own}/history`)).body).toEqual({ entries: [], nextBefore: null })
  })

  it('pages the console history the same way, for owners and managers', async () => {
    const till = await posTill(t)
    for (let i = 0; i < 60; i++) await till.earn({ cardNumber: till.card.cardNumber, amountMinor: 200 })
    const detail = await till.owner.get(`/api/merchant/customers/${till.card.id}`)
    expect(detail.body.history).toHaveLength(50)
    const rest = await till.owner.get(
      `/api/merchant/customers/${till.card.id}/history?before=${detail.body.historyNext}`,
    )
    expect(rest.body.entries.map((e: Entry) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => 10 - i))
    expect(rest.body.nextBefore).toBeNull()
  })
})
