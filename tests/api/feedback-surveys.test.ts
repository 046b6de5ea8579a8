import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runFeedbackJobs } from '../../server/services/feedback/jobs.js'
import { sendDueOffers } from '../../server/services/push/automations.js'
import { DAY_MS } from '../../server/domain/time.js'
import { addStaff } from '../helpers/factories.js'
import { cafe, cardFeedback, rate, rowsOf, type Cafe } from '../helpers/feedback.js'
import { ownerAgain, seedEntry } from '../helpers/insights.js'
import { addDevice } from '../helpers/push.js'
import { makeTestApp, type TestApp, type TestClient } from '../helpers/test-app.js'

let t: TestApp
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(() => t.close())

const HOUR = 3_600_000
const SURVEY = {
  title: 'Help us choose',
  intro: 'Two minutes, promise.',
  questions: [
    { kind: 'recommend', prompt: 'Would you recommend us to a friend?', required: true },
    { kind: 'single', prompt: 'Which reward would you like next?', options: ['Free cake', 'Free coffee', 'Discount'] },
    { kind: 'text', prompt: 'Anything else?' },
  ],
}
const answer = (client: TestClient, cardId: string, body: unknown) =>
  client.post(`/api/me/cards/${cardId}/feedback/survey`, body)
const bonuses = (cardId: string) =>
  t.db.selectFrom('ledger_entries').selectAll().where('card_id', '=', cardId).where('kind', '=', 'bonus').execute()

/** A member whose purchase history puts them in a segment (insights definitions). */
async function withHistory(c: Cafe, name: string, daysAgo: number[]) {
  const m = await c.join(name)
  for (const d of daysAgo)
    await seedEntry(t, {
      cardId: m.cardId,
      merchantId: c.merchantId,
      at: new Date(t.clock.now().getTime() - d * DAY_MS).toISOString(),
    })
  return m
}

describe('surveys', () => {
  it('reach only the targeted segment, every quarter, each round opened once', async () => {
    const c = await cafe(t)
    const lapsed = await withHistory(c, 'Lena', [100])
    const regular = await withHistory(c, 'Rita', [60, 30, 5])
    const fresh = await c.join('Nina')
    const created = await c.owner.post('/api/merchant/feedback/surveys', {
      ...SURVEY,
      segment: 'lapsed',
      schedule: 'quarterly',
    })
    expect(created.status).toBe(201)
    expect(created.body.rounds).toMatchObject([{ round: 0, invited: 1, answered: 0 }])
    expect((await cardFeedback(lapsed.client, lapsed.cardId)).survey).toMatchObject({ title: 'Help us choose' })
    expect((await cardFeedback(regular.client, regular.cardId)).survey).toBeNull()
    expect((await cardFeedback(fresh.client, fresh.cardId)).survey).toBeNull()
    const invited = (await rowsOf(t, 'feedback_requests')).filter((r) => r.kind === 'survey')
    expect(invited.map((r) => r.card_id)).toEqual([lapsed.cardId])

    // Nothing new until the next quarter; the invitation expires after 30 days.
    expect((await runFeedbackJobs(t.deps)).rounds).toBe(0)
    t.clock.advance(31 * DAY_MS)
    expect((await cardFeedback(lapsed.client, lapsed.cardId)).survey).toBeNull()
    t.clock.advance(62 * DAY_MS)
    expect((await runFeedbackJobs(t.deps)).rounds).toBe(1)
    expect((await runFeedbackJobs(t.deps)).rounds).toBe(0)
    // Three months on, Rita (no visit for 98 days) and Nina (none since joining) are lapsed too.
    for (const m of [lapsed, regular, fresh]) expect((await cardFeedback(m.client, m.cardId)).survey).not.toBeNull()
    const owner = await ownerAgain(t, c.merchantId)
    const [survey] = (await owner.get('/api/merchant/feedback/surveys')).body.surveys
    expect(survey.rounds.map((r: any) => [r.round, r.invited])).toEqual([
      [0, 1],
      [1, 3],
    ])
    const closed = await owner.post(`/api/merchant/feedback/surveys/${survey.id}/close`, {})
    expect(closed.body.state).toBe('closed')
    expect((await cardFeedback(fresh.client, fresh.cardId)).survey).toBeNull()
  })

  it('post the thank-you points once, with their reason, and mark the answers incentivised', async () => {
    const c = await cafe(t)
    const ada = await c.join('Ada')
    const bea = await c.join('Bea')
    await c.owner.post('/api/merchant/feedback/surveys', { ...SURVEY, thanksPoints: 25 })
    const inv = (await cardFeedback(ada.client, ada.cardId)).survey!
    expect(inv.thanksPoints).toBe(25)
    const [rec, choice, text] = inv.questions
    const body = {
      requestId: inv.id,
      answers: [
        { questionId: rec!.id, score: 10 },
        { questionId: choice!.id, choices: [0] },
        { questionId: text!.id, text: 'More seats outside' },
      ],
    }
    const res = await answer(ada.client, ada.cardId, body)
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ thanksPoints: 25, balance: 25 })
    expect((await answer(ada.client, ada.cardId, body)).status).toBe(409)
    expect(await bonuses(ada.cardId)).toMatchObject([
      { points: 25, reason: 'Thank you for answering "Help us choose"' },
    ])
    expect((await cardFeedback(ada.client, ada.cardId)).survey).toBeNull()

    // Two taps at once: one answer, one thank-you.
    const invB = (await cardFeedback(bea.client, bea.cardId)).survey!
    const bodyB = { requestId: invB.id, answers: [{ questionId: invB.questions[0]!.id, score: 3 }] }
    const both = await Promise.all([answer(bea.client, bea.cardId, bodyB), answer(bea.client, bea.cardId, bodyB)])
    expect(both.map((r) => r.status).sort()).toEqual([201, 409])
    expect(await bonuses(bea.cardId)).toHaveLength(1)

    const id = (await c.owner.get('/api/merchant/feedback/surveys')).body.surveys[0].id
    const results = await c.owner.get(`/api/merchant/feedback/surveys/${id}`)
    expect(results.body).toMatchObject({ responses: 2, incentivised: 2 })
    expect(results.body.questions[0].recommend).toMatchObject({ n: 2, promoters: 1, detractors: 1, score: 0 })
    expect(results.body.questions[1].counts).toEqual([
      { option: 'Free cake', n: 1 },
      { option: 'Free coffee', n: 0 },
      { option: 'Discount', n: 0 },
    ])
    expect(results.body.questions[2].texts).toMatchObject([{ text: 'More seats outside' }])
    const csv = await c.owner.get('/api/merchant/feedback/exports/answers.csv?from=2026-03-10&to=2026-03-10')
    expect(csv.body).toContain('Which reward would you like next?,single,,Free cake,,')
    expect(csv.body.split('\r\n')[0]).toBe(
      'date_local,date_utc,survey,round,question,kind,score,choices,text,card_number,member,incentivised',
    )
  })

  it('refuse bad answers with the field named and write nothing', async () => {
    const c = await cafe(t)
    const ada = await c.join('Ada')
    const bea = await c.join('Bea')
    await c.owner.post('/api/merchant/feedback/surveys', { ...SURVEY, thanksPoints: 5 })
    const inv = (await cardFeedback(ada.client, ada.cardId)).survey!
    const [rec, choice] = inv.questions
    const cases: Array<[unknown, number, string]> = [
      [{ requestId: inv.id, answers: [{ questionId: rec!.id, score: 11 }] }, 400, 'answers.0.score'],
      [
        {
          requestId: inv.id,
          answers: [
            { questionId: rec!.id, score: 9 },
            { questionId: choice!.id, choices: [3] },
          ],
        },
        400,
        'answers.1.choices',
      ],
      [{ requestId: inv.id, answers: [{ questionId: choice!.id, choices: [1] }] }, 400, 'answers'],
      [{ requestId: inv.id, answers: [{ questionId: rec!.id, text: 'x'.repeat(10 * 1024) }] }, 400, 'answers.0.text'],
    ]
    for (const [body, status, field] of cases) {
      const res = await answer(ada.client, ada.cardId, body)
      expect(res.status, field).toBe(status)
      expect(res.body.error.details[0].path, field).toBe(field)
    }
    // Bea's invitation, answered from Ada's card.
    const invB = (await cardFeedback(bea.client, bea.cardId)).survey!
    const other = await answer(ada.client, ada.cardId, {
      requestId: invB.id,
      answers: [{ questionId: rec!.id, score: 9 }],
    })
    expect(other.status).toBe(404)
    expect(other.body.error.details).toEqual([{ path: 'requestId', message: 'not a question addressed to you' }])
    expect(await rowsOf(t, 'feedback_responses')).toEqual([])
    expect(await rowsOf(t, 'feedback_answers')).toEqual([])
    expect(await bonuses(ada.cardId)).toEqual([])
  })

  it('are written by owners and managers only, with at most five questions, and stay with their merchant', async () => {
    const c = await cafe(t)
    const other = await cafe(t)
    const q = SURVEY.questions[0]!
    const six = await c.owner.post('/api/merchant/feedback/surveys', { title: 'Long', questions: Array(6).fill(q) })
    expect(six.status).toBe(400)
    expect(six.body.error.details[0].path).toBe('questions')
    const noOptions = await c.owner.post('/api/merchant/feedback/surveys', {
      title: 'Pick',
      questions: [{ kind: 'multiple', prompt: 'Which?' }],
    })
    expect(noOptions.body.error.details[0].path).toBe('questions.0.options')
    expect((await c.cashier.post('/api/merchant/feedback/surveys', SURVEY)).status).toBe(403)
    const manager = await addStaff(t, c.merchantId, 'manager')
    const made = await manager.post('/api/merchant/feedback/surveys', SURVEY)
    expect(made.status).toBe(201)
    expect((await other.owner.get(`/api/merchant/feedback/surveys/${made.body.id}`)).status).toBe(404)
    expect((await other.owner.get('/api/merchant/feedback/surveys')).body.surveys).toEqual([])
  })
})

describe('feedback by push', () => {
  async function optedIn(c: Cafe, name: string, on = true) {
    const m = await c.join(name)
    await addDevice(m.client)
    const prefs = (await m.client.get(`/api/me/cards/${m.cardId}/push-preferences`)).body
    expect(prefs.feedback).toBe(false)
    expect(
      (await m.client.req('PUT', `/api/me/cards/${m.cardId}/push-preferences`, { ...prefs, feedback: on })).status,
    ).toBe(200)
    return m
  }
  const pushes = (kind: string) =>
    t.db.selectFrom('push_notifications').select(['card_id', 'not_before']).where('kind', '=', kind).execute()

  it('asks members who switched it on about their visit a few hours later, once, in waking hours', async () => {
    const c = await cafe(t)
    const ada = await optedIn(c, 'Ada')
    const bea = await optedIn(c, 'Bea', false)
    await c.award(ada)
    await c.award(bea)
    t.clock.advance(HOUR)
    await runFeedbackJobs(t.deps)
    expect(await pushes('feedback_visit')).toEqual([])
    t.clock.advance(2 * HOUR)
    const run = await runFeedbackJobs(t.deps)
    expect(run.nudges).toEqual({ queued: 1 })
    expect(await pushes('feedback_visit')).toMatchObject([
      { card_id: ada.cardId, not_before: t.clock.now().toISOString() },
    ])
    await runFeedbackJobs(t.deps)
    expect(await pushes('feedback_visit')).toHaveLength(1)
    // Bea is asked on her card only; answering there leaves nothing to push.
    expect((await cardFeedback(bea.client, bea.cardId)).question).not.toBeNull()

    // An evening visit: three hours later is 22:xx in Warsaw, inside quiet hours: it waits for 09:00.
    const cy = await optedIn(c, 'Cy')
    t.clock.set(new Date('2026-03-10T18:30:00.000Z'))
    await c.award(cy)
    t.clock.advance(3 * HOUR + 60_000)
    await runFeedbackJobs(t.deps)
    expect((await pushes('feedback_visit')).find((p) => p.card_id === cy.cardId)!.not_before).toBe(
      '2026-03-11T08:00:00.000Z',
    )
  })

  it("counts against the member's daily cap, and tells opted-in members of a survey and of a reply", async () => {
    const c = await cafe(t)
    const ada = await optedIn(c, 'Ada')
    expect(
      (await c.owner.post('/api/merchant/push/offers', { title: 'Cake day', body: 'Half price', segment: 'all' }))
        .status,
    ).toBe(201)
    expect(await sendDueOffers(t.deps)).toEqual({ queued: 1 })
    await c.award(ada)
    t.clock.advance(3 * HOUR + 60_000)
    expect((await runFeedbackJobs(t.deps)).nudges).toEqual({ capped: 1 })

    t.clock.advance(DAY_MS)
    const owner = await ownerAgain(t, c.merchantId)
    expect((await owner.post('/api/merchant/feedback/surveys', SURVEY)).status).toBe(201)
    expect(await pushes('feedback_survey')).toMatchObject([{ card_id: ada.cardId }])
    const q = (await cardFeedback(ada.client, ada.cardId)).question
    expect(q).not.toBeNull()
    await rate(ada.client, ada.cardId, { requestId: q!.id, rating: 3 })
    const id = (await owner.get('/api/merchant/feedback/inbox')).body.items[0].id
    await owner.post(`/api/merchant/feedback/responses/${id}/replies`, { body: 'Thank you, Ada!' })
    expect(await pushes('feedback_reply')).toMatchObject([{ card_id: ada.cardId }])
  })
})

describe('the figures', () => {
  it('give the average rating, the recommend score and the come-back comparison with their counts', async () => {
    const c = await cafe(t)
    const members = []
    for (const [i, rating] of [1, 2, 4, 5, 5].entries()) {
      const m = await c.join(`M${i}`)
      await c.award(m)
      const q = (await cardFeedback(m.client, m.cardId)).question!
      await rate(m.client, m.cardId, { requestId: q.id, rating })
      members.push(m)
    }
    await c.owner.post('/api/merchant/feedback/surveys', SURVEY)
    for (const [i, score] of [10, 9, 3].entries()) {
      const m = members[i]!
      const inv = (await cardFeedback(m.client, m.cardId)).survey!
      await answer(m.client, m.cardId, { requestId: inv.id, answers: [{ questionId: inv.questions[0]!.id, score }] })
    }
    // The member who rated 1 comes back ten days later.
    t.clock.advance(10 * DAY_MS)
    await c.award(members[0]!)
    t.clock.advance(25 * DAY_MS)
    const owner = await ownerAgain(t, c.merchantId)
    const r = (await owner.get('/api/merchant/feedback/report?from=2026-03-01&to=2026-03-31')).body
    expect(r.rating).toMatchObject({ n: 5, mean: 3.4 })
    expect(r.rating.low).toBeLessThan(3.4)
    expect(r.recommend).toMatchObject({ n: 3, promoters: 2, detractors: 1 })
    expect(r.recommend.score).toBeCloseTo(33.33, 1)
    expect(r.months).toMatchObject([{ month: '2026-03', rating: { n: 5 } }])
    expect(r.byStaff).toMatchObject([{ key: c.cashierId, rating: { n: 5 } }])
    // Segments are the members' segments now: a month after their one visit, occasional.
    expect(r.bySegment.find((s: any) => s.key === 'occasional').rating.n).toBe(5)
    expect(r.bySegment.find((s: any) => s.key === 'new').rating.n).toBe(0)
    expect(r.comeback.windows[0]).toMatchObject({
      days: 30,
      status: 'not_enough_data',
      low: { n: 2, returned: 1, share: null },
      high: { n: 3, returned: 0 },
      difference: null,
    })
    expect(r.comeback.windows[1]).toMatchObject({ days: 60, low: { n: 0 } })
    const bad = await owner.get('/api/merchant/feedback/report?from=2026-03-31&to=2026-03-01')
    expect(bad.status).toBe(400)
    expect(bad.body.error.details[0].path).toBe('to')
  })
})
