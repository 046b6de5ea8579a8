import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { lowRatingAlertsSettled } from '../../server/services/feedback/owner-alert.js'
import { DAY_MS } from '../../server/domain/time.js'
import { addStaff, idemKey, scan } from '../helpers/factories.js'
import { cafe, cardFeedback, rate, rowsOf } from '../helpers/feedback.js'
import { ownerAgain } from '../helpers/insights.js'
import { startPushService } from '../helpers/push-service.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
let service: Awaited<ReturnType<typeof startPushService>>
beforeAll(async () => {
  service = await startPushService()
})
afterAll(() => service.close())
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(async () => {
  await lowRatingAlertsSettled()
  await t.close()
})

const HOUR = 3_600_000

describe('visit questions', () => {
  it('asks once per visit, and at most once per member in the merchant period', async () => {
    const c = await cafe(t)
    const ada = await c.join('Ada')
    expect((await cardFeedback(ada.client, ada.cardId)).question).toBeNull()

    const entryId = await c.award(ada)
    const first = (await cardFeedback(ada.client, ada.cardId)).question!
    expect(first.visitAt).toBe(t.clock.now().toISOString())
    expect((await cardFeedback(ada.client, ada.cardId)).question!.id).toBe(first.id)
    const [req] = await rowsOf(t, 'feedback_requests')
    expect(req).toMatchObject({ entry_id: entryId, entry_kind: 'earn', staff_id: c.cashierId, kind: 'visit' })

    // A second visit inside the period is not asked about, answered or not.
    t.clock.advance(HOUR)
    await c.award(ada)
    expect((await cardFeedback(ada.client, ada.cardId)).question!.id).toBe(first.id)
    expect((await rate(ada.client, ada.cardId, { requestId: first.id, rating: 4 })).status).toBe(201)
    t.clock.advance(10 * DAY_MS)
    await c.award(ada)
    expect((await cardFeedback(ada.client, ada.cardId)).question).toBeNull()

    // Fourteen days after the visit asked about, the next visit is.
    t.clock.advance(4 * DAY_MS)
    await c.award(ada)
    const next = (await cardFeedback(ada.client, ada.cardId)).question!
    expect(next.id).not.toBe(first.id)
    expect(await rowsOf(t, 'feedback_requests')).toHaveLength(2)
  })

  it('follows the period the merchant sets, asks after a stamp too, and not at all when switched off', async () => {
    const c = await cafe(t)
    const put = (body: object, owner = c.owner) =>
      owner.req('PUT', '/api/merchant/feedback/settings', {
        visitQuestions: true,
        periodDays: 14,
        pushDelayHours: 3,
        cashierAccess: 'none',
        ...body,
      })
    expect((await put({ periodDays: 2 })).status).toBe(200)
    const stampCard = {
      stampsRequired: 8,
      rewardTitle: 'Free coffee',
      rewardTerms: '',
      rewardValidDays: 30,
      dailyLimit: 1,
      cooldownMinutes: 0,
      active: true,
    }
    expect((await c.owner.req('PUT', '/api/merchant/stamp-card', stampCard)).status).toBe(200)
    const ada = await c.join('Ada')
    const handle = await scan(t, c.cashier, ada)
    expect((await c.cashier.post('/api/staff/stamps', { handle }, { 'idempotency-key': idemKey() })).status).toBe(201)
    const q1 = (await cardFeedback(ada.client, ada.cardId)).question!
    expect((await rowsOf(t, 'feedback_requests'))[0]).toMatchObject({ entry_kind: 'stamp' })
    expect((await rate(ada.client, ada.cardId, { requestId: q1.id, rating: 5 })).status).toBe(201)
    t.clock.advance(2 * DAY_MS)
    await c.award(ada)
    expect((await cardFeedback(ada.client, ada.cardId)).question).not.toBeNull()

    expect((await put({ visitQuestions: false }, await ownerAgain(t, c.merchantId))).status).toBe(200)
    const bea = await c.join('Bea')
    await c.award(bea)
    expect((await cardFeedback(bea.client, bea.cardId)).question).toBeNull()
  })

  it('expires an unanswered question; an answer after that is refused and writes nothing', async () => {
    const c = await cafe(t)
    const ada = await c.join('Ada')
    await c.award(ada)
    const q = (await cardFeedback(ada.client, ada.cardId)).question!
    t.clock.advance(72 * HOUR)
    expect((await cardFeedback(ada.client, ada.cardId)).question).toBeNull()
    const res = await rate(ada.client, ada.cardId, { requestId: q.id, rating: 3 })
    expect(res.status).toBe(410)
    expect(res.body.error).toMatchObject({ code: 'question_expired', details: [{ path: 'requestId' }] })
    expect(await rowsOf(t, 'feedback_responses')).toEqual([])

    // A visit the card never looked at within the time is never asked about.
    const bea = await c.join('Bea')
    await c.award(bea)
    t.clock.advance(73 * HOUR)
    expect((await cardFeedback(bea.client, bea.cardId)).question).toBeNull()
  })

  it('does not ask about an award that was undone', async () => {
    const c = await cafe(t)
    const ada = await c.join('Ada')
    const handle = await scan(t, c.cashier, ada)
    const earned = await c.cashier.post(
      '/api/staff/earn',
      { handle, amountMinor: 900 },
      { 'idempotency-key': idemKey() },
    )
    const undo = await c.cashier.post(
      '/api/staff/undo',
      { handle, entryId: earned.body.entry.id },
      { 'idempotency-key': idemKey() },
    )
    expect(undo.status).toBe(201)
    expect((await cardFeedback(ada.client, ada.cardId)).question).toBeNull()
  })
})

describe('rating a visit', () => {
  it("ties the rating to the visit, and a 1 or 2 reaches the owner's phone at once", async () => {
    const c = await cafe(t)
    const key = (await c.owner.get('/api/push/public-key')).body.publicKey as string
    const sub = await service.subscribe(key)
    expect(
      (await c.owner.post('/api/merchant/alerts/devices', { endpoint: sub.endpoint, keys: sub.keys })).status,
    ).toBe(204)
    const ada = await c.join('Ada')
    await c.award(ada)
    const q = (await cardFeedback(ada.client, ada.cardId)).question!
    const res = await rate(ada.client, ada.cardId, {
      requestId: q.id,
      rating: 2,
      comment: '  Cold coffee, long wait. ',
    })
    expect(res.status).toBe(201)
    const [r] = await rowsOf(t, 'feedback_responses')
    expect(r).toMatchObject({
      rating: 2,
      comment: 'Cold coffee, long wait.',
      staff_id: c.cashierId,
      visit_at: q.visitAt,
      card_id: ada.cardId,
      has_comment: 1,
    })
    await lowRatingAlertsSettled()
    const [pushed] = (await service.messages(sub.clientHash)).map((m) => JSON.parse(m))
    expect(pushed).toEqual({
      title: 'A visit was rated 2 of 5',
      body: 'Cold coffee, long wait.',
      url: `/merchant/feedback?response=${r!.id}`,
      tag: 'feedback-low',
      kind: 'feedback_low',
    })
    expect((await rowsOf(t, 'feedback_responses'))[0]!.alerted_at).not.toBeNull()

    // A good rating bothers nobody; a second answer to the same question is refused.
    const bea = await c.join('Bea')
    await c.award(bea)
    const qb = (await cardFeedback(bea.client, bea.cardId)).question!
    expect((await rate(bea.client, bea.cardId, { requestId: qb.id, rating: 5 })).status).toBe(201)
    await lowRatingAlertsSettled()
    expect(await service.messages(sub.clientHash)).toHaveLength(1)
    const again = await rate(bea.client, bea.cardId, { requestId: qb.id, rating: 1 })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('already_answered')
  })

  it('refuses bad input with the field named, and writes nothing', async () => {
    const c = await cafe(t)
    const ada = await c.join('Ada')
    await c.award(ada)
    const q = (await cardFeedback(ada.client, ada.cardId)).question!
    const cases: Array<[unknown, string]> = [
      [{ requestId: q.id, rating: 6 }, 'rating'],
      [{ requestId: q.id, rating: 0 }, 'rating'],
      [{ requestId: q.id, rating: 3.5 }, 'rating'],
      [{ requestId: q.id, rating: 4, comment: 'x'.repeat(10 * 1024) }, 'comment'],
      [{ rating: 4 }, 'requestId'],
    ]
    for (const [body, field] of cases) {
      const res = await rate(ada.client, ada.cardId, body)
      expect(res.status, field).toBe(400)
      expect(res.body.error.code).toBe('validation_failed')
      expect(res.body.error.message).toMatch(new RegExp(`^${field}:`))
      expect(res.body.error.details[0].path).toBe(field)
    }
    expect(await rowsOf(t, 'feedback_responses')).toEqual([])
    expect((await rowsOf(t, 'feedback_requests'))[0]).toMatchObject({ state: 'open' })
  })

  it('lets a member answer only questions addressed to them', async () => {
    const c = await cafe(t)
    const ada = await c.join('Ada')
    const bea = await c.join('Bea')
    await c.award(ada)
    const q = (await cardFeedback(ada.client, ada.cardId)).question!
    const onOwnCard = await rate(bea.client, bea.cardId, { requestId: q.id, rating: 1 })
    expect(onOwnCard.status).toBe(404)
    expect(onOwnCard.body.error.details).toEqual([{ path: 'requestId', message: 'not a question addressed to you' }])
    const onHerCard = await rate(bea.client, ada.cardId, { requestId: q.id, rating: 1 })
    expect(onHerCard.status).toBe(404)
    expect(onHerCard.body.error.code).toBe('card_not_found')
    expect((await bea.client.get(`/api/me/cards/${ada.cardId}/feedback`)).status).toBe(404)
    expect((await t.client().get(`/api/me/cards/${ada.cardId}/feedback`)).status).toBe(401)
    expect((await bea.client.post(`/api/me/cards/${bea.cardId}/feedback/dismiss`, { requestId: q.id })).status).toBe(
      404,
    )
    expect(await rowsOf(t, 'feedback_responses')).toEqual([])
    expect((await rowsOf(t, 'feedback_requests'))[0]).toMatchObject({ state: 'open' })
  })

  it('lets the member say "not now": the question closes and is not asked again', async () => {
    const c = await cafe(t)
    const ada = await c.join('Ada')
    await c.award(ada)
    const q = (await cardFeedback(ada.client, ada.cardId)).question!
    expect((await ada.client.post(`/api/me/cards/${ada.cardId}/feedback/dismiss`, { requestId: q.id })).status).toBe(
      204,
    )
    expect((await cardFeedback(ada.client, ada.cardId)).question).toBeNull()
    expect((await rate(ada.client, ada.cardId, { requestId: q.id, rating: 5 })).status).toBe(409)
  })
})

describe('the inbox and replies', () => {
  async function rated(c: Awaited<ReturnType<typeof cafe>>, name: string, rating: number, comment?: string) {
    const m = await c.join(name)
    await c.award(m)
    const q = (await cardFeedback(m.client, m.cardId)).question!
    expect((await rate(m.client, m.cardId, { requestId: q.id, rating, comment })).status).toBe(201)
    t.clock.advance(60_000)
    return m
  }

  it('lists ratings with filters; the owner replies and the member reads it on the card', async () => {
    const c = await cafe(t)
    const ada = await rated(c, 'Ada', 2, 'Too loud')
    await rated(c, 'Bea', 5)
    const manager = await addStaff(t, c.merchantId, 'manager')
    const all = await manager.get('/api/merchant/feedback/inbox')
    expect(all.status).toBe(200)
    expect(all.body.items.map((i: any) => i.rating)).toEqual([5, 2])
    expect(all.body.items[1]).toMatchObject({
      kind: 'visit',
      comment: 'Too loud',
      member: { cardId: ada.cardId, name: 'Ada' },
      staff: { id: c.cashierId },
    })
    const q = (s: string) => c.owner.get(`/api/merchant/feedback/inbox?${s}`).then((r) => r.body.items.length)
    expect(await q('score=2')).toBe(1)
    expect(await q('comment=with')).toBe(1)
    expect(await q('comment=without')).toBe(1)
    expect(await q(`staffId=${c.cashierId}`)).toBe(2)
    expect(await q('segment=new')).toBe(2)
    expect(await q('segment=lapsed')).toBe(0)
    expect(await q('from=2026-03-11&to=2026-03-31')).toBe(0)
    expect(await q('from=2026-03-10&to=2026-03-10')).toBe(2)
    const page1 = await c.owner.get('/api/merchant/feedback/inbox?limit=1')
    expect(page1.body.next).toBeTruthy()
    const page2 = await c.owner.get(
      `/api/merchant/feedback/inbox?limit=1&cursor=${encodeURIComponent(page1.body.next)}`,
    )
    expect(page2.body.items[0].rating).toBe(2)
    expect(page2.body.next).toBeNull()

    const id = all.body.items[1].id
    const reply = await c.owner.post(`/api/merchant/feedback/responses/${id}/replies`, {
      body: 'Sorry, Ada: the quiet corner is yours next time.',
    })
    expect(reply.status).toBe(201)
    const seen = await cardFeedback(ada.client, ada.cardId)
    expect(seen.replies).toMatchObject([
      { body: 'Sorry, Ada: the quiet corner is yours next time.', rating: 2, comment: 'Too loud' },
    ])
    const inbox = await c.owner.get('/api/merchant/feedback/inbox?score=2')
    expect(inbox.body.items[0].replies).toMatchObject([{ staffName: 'Owner' }])
    expect(
      (await ada.client.post(`/api/me/cards/${ada.cardId}/feedback/replies/seen`, { ids: [seen.replies[0]!.id] }))
        .status,
    ).toBe(204)
    expect((await cardFeedback(ada.client, ada.cardId)).replies).toEqual([])

    // The reply goes by push only to members who switched feedback pushes on.
    const kinds = await t.db
      .selectFrom('push_notifications')
      .select('kind')
      .where('kind', '=', 'feedback_reply')
      .execute()
    expect(kinds).toEqual([])
  })

  it('lets a cashier read nothing unless the owner allows it, then only their own visits', async () => {
    const c = await cafe(t)
    await rated(c, 'Ada', 4)
    const other = await addStaff(t, c.merchantId, 'cashier')
    const bea = await c.join('Bea')
    await c.award(bea, 500, other)
    const qb = (await cardFeedback(bea.client, bea.cardId)).question!
    await rate(bea.client, bea.cardId, { requestId: qb.id, rating: 1, comment: 'Rude' })

    expect((await c.cashier.get('/api/merchant/feedback/inbox')).status).toBe(403)
    expect((await c.cashier.get('/api/merchant/feedback/options')).status).toBe(403)
    const settings = { visitQuestions: true, periodDays: 14, pushDelayHours: 3 }
    const manager = await addStaff(t, c.merchantId, 'manager')
    expect(
      (await manager.req('PUT', '/api/merchant/feedback/settings', { ...settings, cashierAccess: 'own' })).status,
    ).toBe(403)
    expect(
      (await c.cashier.req('PUT', '/api/merchant/feedback/settings', { ...settings, cashierAccess: 'own' })).status,
    ).toBe(403)
    await c.owner.req('PUT', '/api/merchant/feedback/settings', { ...settings, cashierAccess: 'own' })
    const own = await c.cashier.get('/api/merchant/feedback/inbox')
    expect(own.status).toBe(200)
    expect(own.body).toMatchObject({ canReply: false, items: [{ rating: 4, member: null }] })
    // Asking for another's visits still gives only their own.
    expect((await c.cashier.get(`/api/merchant/feedback/inbox?score=1`)).body.items).toEqual([])
    const id = (await c.owner.get('/api/merchant/feedback/inbox?score=4')).body.items[0].id
    expect((await c.cashier.post(`/api/merchant/feedback/responses/${id}/replies`, { body: 'Thanks!' })).status).toBe(
      403,
    )
    expect((await c.cashier.get('/api/merchant/feedback/report?from=2026-03-01&to=2026-03-31')).status).toBe(403)

    await c.owner.req('PUT', '/api/merchant/feedback/settings', { ...settings, cashierAccess: 'own_named' })
    expect((await c.cashier.get('/api/merchant/feedback/inbox')).body.items[0].member).toMatchObject({ name: 'Ada' })
  })

  it("shows merchant A none of merchant B's feedback", async () => {
    const a = await cafe(t)
    const b = await cafe(t)
    await rated(a, 'Ada', 5)
    await rated(b, 'Bob', 1, 'Never again')
    const bId = (await b.owner.get('/api/merchant/feedback/inbox')).body.items[0].id
    expect((await a.owner.get('/api/merchant/feedback/inbox')).body.items.map((i: any) => i.rating)).toEqual([5])
    expect((await a.owner.post(`/api/merchant/feedback/responses/${bId}/replies`, { body: 'Hi' })).status).toBe(404)
    const report = await a.owner.get('/api/merchant/feedback/report?from=2026-03-01&to=2026-03-31')
    expect(report.body.rating).toMatchObject({ n: 1, mean: 5 })
    const csv = await a.owner.get('/api/merchant/feedback/exports/ratings.csv?from=2026-03-01&to=2026-03-31')
    expect(csv.body).not.toContain('Never again')
    expect(await rowsOf(t, 'feedback_replies')).toEqual([])
  })
})

describe('feedback exports and privacy', () => {
  it('exports ratings as RFC 4180 CSV with the formula guard, for a date range', async () => {
    const c = await cafe(t)
    const ada = await c.join('Ada')
    await c.award(ada)
    const q = (await cardFeedback(ada.client, ada.cardId)).question!
    await rate(ada.client, ada.cardId, { requestId: q.id, rating: 3, comment: '=HYPERLINK("http://x","y"), "ok"' })
    const res = await c.owner.get('/api/merchant/feedback/exports/ratings.csv?from=2026-03-10&to=2026-03-10')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/csv')
    const lines = (res.body as string).split('\r\n')
    expect(lines[0]).toBe('date_local,date_utc,rating,comment,staff,location_id,visit_local,card_number,member,replies')
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://x"",""y""), ""ok"""`)
    expect(lines[1]).toContain(',Ada,0')
    expect(lines[2]).toBe('')
    const bad = await c.owner.get('/api/merchant/feedback/exports/ratings.csv?from=2026-03-10&to=2027-03-31')
    expect(bad.status).toBe(400)
    expect(bad.body.error.details[0].path).toBe('to')
    expect(
      (await c.cashier.get('/api/merchant/feedback/exports/ratings.csv?from=2026-03-10&to=2026-03-10')).status,
    ).toBe(403)
  })

  it("puts feedback in the member's export; deleting the account unlinks it, erases comments, keeps the score", async () => {
    const c = await cafe(t)
    const ada = await c.join('Ada')
    await c.award(ada)
    const q = (await cardFeedback(ada.client, ada.cardId)).question!
    await rate(ada.client, ada.cardId, { requestId: q.id, rating: 2, comment: 'My name is Ada and the tea was cold' })
    const responseId = (await rowsOf(t, 'feedback_responses'))[0]!.id
    await c.owner.post(`/api/merchant/feedback/responses/${responseId}/replies`, { body: 'Sorry Ada' })

    const data = (await ada.client.get('/api/me/export')).body.tables
    expect(data.feedback_responses).toMatchObject([{ rating: 2, comment: 'My name is Ada and the tea was cold' }])
    expect(data.feedback_requests).toHaveLength(1)
    expect(data.feedback_replies).toMatchObject([{ body: 'Sorry Ada' }])

    expect((await ada.client.post('/api/me/delete', { confirm: true })).status).toBe(200)
    const [r] = await rowsOf(t, 'feedback_responses')
    expect(r).toMatchObject({ rating: 2, card_id: null, comment: null, staff_id: c.cashierId })
    expect((await rowsOf(t, 'feedback_requests'))[0]).toMatchObject({ card_id: null, entry_id: null })
    expect(await rowsOf(t, 'feedback_replies')).toEqual([])
    const inbox = (await c.owner.get('/api/merchant/feedback/inbox')).body.items
    expect(inbox).toMatchObject([{ rating: 2, comment: null, member: null }])
    const report = await c.owner.get('/api/merchant/feedback/report?from=2026-03-01&to=2026-03-31')
    expect(report.body.rating).toMatchObject({ n: 1, mean: 2 })
    expect((await c.owner.post(`/api/merchant/feedback/responses/${responseId}/replies`, { body: 'Hi' })).status).toBe(
      410,
    )
  })

  it('describes every feedback route in the OpenAPI document', async () => {
    const doc = (await t.client().get('/api/openapi.json')).body
    for (const p of [
      '/me/cards/{id}/feedback',
      '/me/cards/{id}/feedback/rating',
      '/me/cards/{id}/feedback/survey',
      '/merchant/feedback/inbox',
      '/merchant/feedback/report',
      '/merchant/feedback/surveys',
      '/merchant/feedback/exports/answers.csv',
    ])
      expect(Object.keys(doc.paths), p).toContain(p)
  })
})
