import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { qrPayload } from '../../server/contract/card-code.js'
import { codeAt } from '../../server/domain/rotating-code.js'
import { idemKey, merchantWithOwner } from '../helpers/factories.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(() => t.close())

const stepsOf = (body: { steps: Array<{ step: string; done: boolean }> }) =>
  Object.fromEntries(body.steps.map((s) => [s.step, s.done]))

describe('the first-run checklist', () => {
  it('shows each step done or not, and each is done by doing it', async () => {
    const m = await merchantWithOwner(t)
    let state = (await m.owner.get('/api/merchant/first-run')).body
    expect(state).toMatchObject({ complete: false, remaining: 5, status: 'live' })
    expect(stepsOf(state)).toEqual({
      email: true,
      program: false,
      branding: false,
      poster: false,
      staff: false,
      test_scan: false,
      go_live: true,
    })
    expect((await m.owner.get('/api/staff/me')).body.merchant.firstRunComplete).toBe(false)

    await m.owner.post(
      '/api/merchant/first-run/program',
      (await m.owner.get('/api/merchant/first-run/templates/bakery')).body,
    )
    await m.owner.req('PUT', '/api/merchant/branding', { name: 'Shop', brandColor: '#224466', accentColor: '#ffffff' })
    const links = (await m.owner.get('/api/merchant/signup-links')).body.links
    expect((await m.owner.get(`/api/merchant/signup-links/${links[0].id}/qr?format=svg`)).status).toBe(200)
    const skipped = await m.owner.post('/api/merchant/first-run/steps/staff', { skipped: true })
    expect(skipped.body.steps.find((s: { step: string }) => s.step === 'staff')).toMatchObject({
      done: true,
      skipped: true,
    })
    state = (await m.owner.get('/api/merchant/first-run')).body
    expect(stepsOf(state)).toMatchObject({ program: true, branding: true, poster: true, staff: true, test_scan: false })
    expect(state.remaining).toBe(1)
  })

  it('offers a ready-made café program (1 point per unit, a 10-stamp coffee card, a welcome bonus, three rewards, 12-month expiry), editable before applying', async () => {
    const m = await merchantWithOwner(t)
    const template = (await m.owner.get('/api/merchant/first-run/templates/cafe?locale=pl')).body
    expect(template).toMatchObject({
      kind: 'cafe',
      pointsPerUnit: 1,
      unitMinor: 100,
      expiryMonths: 12,
      stampCard: { stampsRequired: 10, rewardTitle: 'Darmowa kawa' },
    })
    expect(template.welcomeBonus).toBeGreaterThan(0)
    expect(template.rewards).toHaveLength(3)
    for (const kind of ['restaurant', 'bakery', 'bar', 'salon', 'retail', 'other']) {
      const k = (await m.owner.get(`/api/merchant/first-run/templates/${kind}`)).body
      expect(k.kind).toBe(kind)
      expect(k.rewards.length).toBeGreaterThanOrEqual(3)
    }

    // The owner changes a few values; what they apply is what the program says.
    const edited = {
      ...template,
      welcomeBonus: 25,
      expiryMonths: null,
      stampCard: { ...template.stampCard, stampsRequired: 8 },
      rewards: template.rewards.slice(0, 2),
    }
    const applied = await m.owner.post('/api/merchant/first-run/program', edited)
    expect(applied.status).toBe(200)
    const program = (await m.owner.get('/api/merchant/program')).body
    expect(program.rules).toMatchObject({
      pointsPerUnit: 1,
      unitMinor: 100,
      welcomeBonus: 25,
      expiry: { mode: 'none' },
    })
    expect((await m.owner.get('/api/merchant/stamp-card')).body.stampCard).toMatchObject({
      stampsRequired: 8,
      rewardTitle: 'Darmowa kawa',
      active: true,
    })
    const rewards = (await m.owner.get('/api/merchant/rewards')).body.rewards
    expect(rewards.map((r: { name: string }) => r.name)).toEqual(edited.rewards.map((r: { name: string }) => r.name))
    // Applying again adds no second copy of a reward.
    await m.owner.post('/api/merchant/first-run/program', edited)
    expect((await m.owner.get('/api/merchant/rewards')).body.rewards).toHaveLength(2)
    // A welcome bonus now greets a new member.
    const joined = await t.client().post('/api/join', { slug: m.slug, name: 'Ada' })
    expect(joined.body.card.balance).toBe(25)
  })

  it('refuses a template with a bad value and names it', async () => {
    const m = await merchantWithOwner(t)
    const template = (await m.owner.get('/api/merchant/first-run/templates/cafe')).body
    const res = await m.owner.post('/api/merchant/first-run/program', { ...template, welcomeBonus: -5 })
    expect(res.status).toBe(400)
    expect(res.body.error.details[0].path).toBe('welcomeBonus')
  })
})

describe('the practice card', () => {
  it('scans and awards like a card, shows the points, and records nothing a report could count', async () => {
    const m = await merchantWithOwner(t, { pointsPerUnit: 10 })
    const card = (await m.owner.get('/api/merchant/first-run/practice-card')).body
    expect(card).toMatchObject({ totpPeriod: 30 })
    // The same card on a second ask.
    expect((await m.owner.get('/api/merchant/first-run/practice-card')).body.cardNumber).toBe(card.cardNumber)

    const code = qrPayload(card.cardNumber, codeAt(card.totpSecret, t.clock.now()))
    const scanned = await m.owner.post('/api/staff/scan', { code })
    expect(scanned.status).toBe(200)
    expect(scanned.body.card).toMatchObject({ practice: true, balance: 0 })
    // A code opens it once, as any card.
    expect((await m.owner.post('/api/staff/scan', { code })).body.error.code).toBe('code_used')

    const award = await m.owner.post(
      '/api/staff/earn',
      { handle: scanned.body.handle, amountMinor: 1250 },
      { 'idempotency-key': idemKey() },
    )
    expect(award.status).toBe(201)
    expect(award.body.entry.points).toBe(125)
    expect(award.body.entry.reason).toMatch(/^Practice/)

    // Nothing was written: no card, no ledger entry, no member in insights or lists.
    expect(await t.db.selectFrom('ledger_entries').select('id').execute()).toEqual([])
    expect(await t.db.selectFrom('cards').select('id').execute()).toEqual([])
    expect((await m.owner.get('/api/merchant/insights')).body.members).toBe(0)
    expect((await m.owner.get('/api/merchant/customers')).body.total).toBe(0)
    expect(
      (await m.owner.get('/api/merchant/first-run')).body.steps.find((s: { step: string }) => s.step === 'test_scan')
        .done,
    ).toBe(true)

    // Anything else on it says what it is.
    const stamp = await m.owner.post(
      '/api/staff/stamps',
      { handle: scanned.body.handle },
      { 'idempotency-key': idemKey() },
    )
    expect(stamp.status).toBe(422)
    expect(stamp.body.error.code).toBe('practice_card')
  })
})
