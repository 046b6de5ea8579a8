import { expect } from 'vitest'
import { addStaff, currentCode, idemKey, merchantWithOwner, staffClient } from './factories.js'
import { member } from './push.js'
import type { TestApp, TestClient } from './test-app.js'

/** A café with an owner and a cashier, and a way to award a member at the till as that cashier. */
export async function cafe(t: TestApp) {
  const m = await merchantWithOwner(t)
  const cashier = await addStaff(t, m.merchantId, 'cashier')
  const cashierId = (
    await t.db
      .selectFrom('staff')
      .select('id')
      .where('merchant_id', '=', m.merchantId)
      .where('role', '=', 'cashier')
      .executeTakeFirstOrThrow()
  ).id
  /**
   * Scans the member's card and awards a purchase; returns the ledger entry id. The tests move the
   * clock by days, past a staff session's life: the cashier signs in again when it has ended.
   */
  const award = async (card: { cardNumber: string; totpSecret: string }, amountMinor = 1250, by = cashier) => {
    let scanned = await by.post('/api/staff/scan', { code: currentCode(t, card) })
    if (scanned.status === 401) {
      const { email } = await t.db
        .selectFrom('staff')
        .select('email')
        .where('merchant_id', '=', m.merchantId)
        .where('role', '=', 'cashier')
        .orderBy('created_at')
        .executeTakeFirstOrThrow()
      by = await staffClient(t, email)
      scanned = await by.post('/api/staff/scan', { code: currentCode(t, card) })
    }
    expect(scanned.status).toBe(200)
    t.clock.advance(30_000) // the next scan needs the next code
    const handle = scanned.body.handle as string
    const res = await by.post('/api/staff/earn', { handle, amountMinor }, { 'idempotency-key': idemKey() })
    expect(res.status).toBe(201)
    return res.body.entry.id as string
  }
  const join = (name: string, over: { marketingConsent?: boolean } = {}) => member(t, m.slug, { name, ...over })
  return { ...m, cashier, cashierId, award, join }
}
export type Cafe = Awaited<ReturnType<typeof cafe>>

/** What the member's card asks and shows now. */
export async function cardFeedback(client: TestClient, cardId: string) {
  const res = await client.get(`/api/me/cards/${cardId}/feedback`)
  expect(res.status).toBe(200)
  return res.body as {
    question: { id: string; visitAt: string; expiresAt: string } | null
    survey: {
      id: string
      surveyId: string
      title: string
      thanksPoints: number
      questions: Array<{ id: string; kind: string; options: string[] | null }>
    } | null
    replies: Array<{ id: string; body: string; rating: number | null; comment: string | null }>
  }
}

export const rate = (client: TestClient, cardId: string, body: unknown) =>
  client.post(`/api/me/cards/${cardId}/feedback/rating`, body)

/** Rows of a feedback table, through the app's Kysely handle. */
export const rowsOf = (
  t: TestApp,
  table: 'feedback_requests' | 'feedback_responses' | 'feedback_answers' | 'feedback_replies',
) => t.db.selectFrom(table).selectAll().execute() as Promise<Record<string, any>[]>
