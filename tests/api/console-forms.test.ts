import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { idemKey, joinedCustomer, merchantWithOwner } from '../helpers/factories.js'
import { makeTestApp, type TestApp, type TestClient } from '../helpers/test-app.js'

let t: TestApp
let owner: TestClient
let cardId: string
beforeAll(async () => {
  t = await makeTestApp()
  const m = await merchantWithOwner(t)
  owner = m.owner
  cardId = (await joinedCustomer(t, m.slug)).card.id
})
afterAll(() => t.close())

const long = (n: number) => 'x'.repeat(n)
const automation = { enabled: true, title: 'Hi', body: 'Hello' }
const pushSettings = {
  quietStart: '21:00',
  quietEnd: '08:00',
  dailyCap: 2,
  automations: {
    welcome: automation,
    birthday: automation,
    expiring: { ...automation, days: 14 },
    tier_up: automation,
    tier_at_risk: automation,
    winback: { ...automation, days: 60 },
  },
}
const thresholds = {
  newDays: 30,
  lapsedDays: 90,
  atRiskMultiplier: 2,
  atRiskMinDays: 7,
  defaultGapDays: 30,
  highValuePercent: 10,
  regularVisits: 3,
  pointValuePer100Minor: null,
}
const holdouts = { welcome: 0, birthday: 0, expiring: 0, tier_up: 0, tier_at_risk: 0, winback: 10 }
const day = { open: '08:00', close: '20:00' }

interface Case {
  form: string
  method: string
  url: () => string
  body: unknown
  field: string
  message: RegExp
  headers?: Record<string, string>
}

/** Each console form with a value out of range or malformed, the field it must name and the range it must say. */
const cases: Case[] = [
  // Push offer: an 80 % holdout was silently made 50 %, a 3,000-character message cut to 240.
  {
    form: 'push offer',
    method: 'POST',
    url: () => '/api/merchant/push/offers',
    body: { title: 'Hi', body: 'Hello', holdoutPct: 80 },
    field: 'holdoutPct',
    message: /a whole number from 0 to 50/,
  },
  {
    form: 'push offer',
    method: 'POST',
    url: () => '/api/merchant/push/offers',
    body: { title: 'Hi', body: long(3000) },
    field: 'body',
    message: /at most 240 characters/,
  },
  {
    form: 'push offer',
    method: 'POST',
    url: () => '/api/merchant/push/offers',
    body: { title: '', body: 'Hello' },
    field: 'title',
    message: /required/,
  },
  {
    form: 'push settings',
    method: 'PUT',
    url: () => '/api/merchant/push/settings',
    body: { ...pushSettings, dailyCap: 11 },
    field: 'dailyCap',
    message: /a whole number from 1 to 10/,
  },
  {
    form: 'push settings',
    method: 'PUT',
    url: () => '/api/merchant/push/settings',
    body: { ...pushSettings, quietStart: '25:00' },
    field: 'quietStart',
    message: /a time like/,
  },
  {
    form: 'push settings',
    method: 'PUT',
    url: () => '/api/merchant/push/settings',
    body: { ...pushSettings, automations: { ...pushSettings.automations, winback: { ...automation, days: 400 } } },
    field: 'automations.winback.days',
    message: /a whole number from 1 to 365/,
  },
  {
    form: 'automation holdouts',
    method: 'PUT',
    url: () => '/api/merchant/automation-holdouts',
    body: { ...holdouts, winback: 80 },
    field: 'winback',
    message: /a whole number from 0 to 50/,
  },
  // Program: "abc" in the welcome bonus showed NaN.
  {
    form: 'program',
    method: 'PUT',
    url: () => '/api/merchant/program',
    body: { rules: { pointsPerUnit: 1, unitMinor: 100, welcomeBonus: 'abc' } },
    field: 'rules.welcomeBonus',
    message: /a whole number from 0 to 100,000/,
  },
  {
    form: 'program',
    method: 'PUT',
    url: () => '/api/merchant/program',
    body: { rules: { pointsPerUnit: 5000, unitMinor: 100 } },
    field: 'rules.pointsPerUnit',
    message: /a whole number from 0 to 1,000/,
  },
  {
    form: 'program',
    method: 'PUT',
    url: () => '/api/merchant/program',
    body: { rules: { pointsPerUnit: 1, unitMinor: 100, dailyCapPoints: 0 } },
    field: 'rules.dailyCapPoints',
    message: /a whole number from 1 to 10,000,000/,
  },
  {
    form: 'program',
    method: 'PUT',
    url: () => '/api/merchant/program',
    body: { rules: { pointsPerUnit: 1, unitMinor: 100, tiers: [{ name: 'Gold', threshold: 100, multiplier: 20 }] } },
    field: 'rules.tiers.0.multiplier',
    message: /a number from 1 to 10 with at most two decimals/,
  },
  {
    form: 'program',
    method: 'PUT',
    url: () => '/api/merchant/program',
    body: { rules: { pointsPerUnit: 1, unitMinor: 100, promotions: [{ name: long(61), weekdays: [1] }] } },
    field: 'rules.promotions.0.name',
    message: /at most 60 characters/,
  },
  // Reward: a cost of 10^12 said "1 or more".
  {
    form: 'reward',
    method: 'POST',
    url: () => '/api/merchant/rewards',
    body: { name: 'Coffee', pointsCost: 1e12 },
    field: 'pointsCost',
    message: /a whole number from 1 to 1,000,000/,
  },
  {
    form: 'reward',
    method: 'POST',
    url: () => '/api/merchant/rewards',
    body: { name: 'Coffee', pointsCost: 80, stock: -1 },
    field: 'stock',
    message: /a whole number from 0 to 1,000,000/,
  },
  {
    form: 'reward',
    method: 'POST',
    url: () => '/api/merchant/rewards',
    body: { name: 'Coffee', pointsCost: 80, terms: long(501) },
    field: 'terms',
    message: /at most 500 characters/,
  },
  {
    form: 'stamp card',
    method: 'PUT',
    url: () => '/api/merchant/stamp-card',
    body: { stampsRequired: 0, rewardTitle: 'Free coffee' },
    field: 'stampsRequired',
    message: /a whole number from 1 to 50/,
  },
  {
    form: 'stamp card',
    method: 'PUT',
    url: () => '/api/merchant/stamp-card',
    body: { stampsRequired: 8, rewardTitle: 'Free coffee', cooldownMinutes: 2000 },
    field: 'cooldownMinutes',
    message: /a whole number from 0 to 1,440/,
  },
  // Branding: an invalid colour only greyed out Save.
  {
    form: 'branding',
    method: 'PUT',
    url: () => '/api/merchant/branding',
    body: { name: 'Shop', brandColor: 'red', accentColor: '#ffffff' },
    field: 'brandColor',
    message: /a colour like #1a2b3c/,
  },
  {
    form: 'branding',
    method: 'PUT',
    url: () => '/api/merchant/branding',
    body: { name: long(81), brandColor: '#123456', accentColor: '#ffffff' },
    field: 'name',
    message: /at most 80 characters/,
  },
  {
    form: 'insight thresholds',
    method: 'PUT',
    url: () => '/api/merchant/insights/settings',
    body: { ...thresholds, highValuePercent: 90 },
    field: 'highValuePercent',
    message: /a whole number from 1 to 50/,
  },
  {
    form: 'insight thresholds',
    method: 'PUT',
    url: () => '/api/merchant/insights/settings',
    body: { ...thresholds, atRiskMultiplier: 'x' },
    field: 'atRiskMultiplier',
    message: /a number from 1 to 10/,
  },
  {
    form: 'opening hours',
    method: 'PUT',
    url: () => '/api/merchant/opening-hours',
    body: { hours: [{ open: '25:00', close: '20:00' }, day, day, day, day, day, day] },
    field: 'hours.0.open',
    message: /a time like/,
  },
  {
    form: 'signup link',
    method: 'POST',
    url: () => '/api/merchant/signup-links',
    body: { campaign: long(81) },
    field: 'campaign',
    message: /at most 80 characters/,
  },
  {
    form: 'API key',
    method: 'POST',
    url: () => '/api/merchant/api-keys',
    body: { name: '   ' },
    field: 'name',
    message: /required/,
  },
  {
    form: 'staff invitation',
    method: 'POST',
    url: () => '/api/merchant/staff',
    body: { email: 'nobody', name: 'Ann', role: 'cashier' },
    field: 'email',
    message: /./,
  },
  {
    form: 'staff invitation',
    method: 'POST',
    url: () => '/api/merchant/staff',
    body: { email: 'ann@x.test', name: 'Ann', role: 'boss' },
    field: 'role',
    message: /./,
  },
  {
    form: 'adjustment',
    method: 'POST',
    url: () => `/api/merchant/customers/${cardId}/adjust`,
    body: { points: 200_000, reason: 'Broken cup' },
    field: 'points',
    message: /a whole number from -100,000 to 100,000/,
    headers: { 'idempotency-key': idemKey() },
  },
  {
    form: 'adjustment',
    method: 'POST',
    url: () => `/api/merchant/customers/${cardId}/adjust`,
    body: { points: 5, reason: 'ok' },
    field: 'reason',
    message: /3 to 200 characters/,
    headers: { 'idempotency-key': idemKey() },
  },
]

describe('console forms say no', () => {
  it.each(cases)('$form: a bad $field is a 400 naming the field and the allowed range', async (c) => {
    const res = await owner.req(c.method, c.url(), c.body, c.headers)
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('validation_failed')
    const issue = (res.body.error.details as Array<{ path: string; message: string }>).find((d) => d.path === c.field)
    expect(issue, JSON.stringify(res.body.error.details)).toBeDefined()
    expect(issue!.message).toMatch(c.message)
  })

  it('changes nothing when it says no: the offer, program and branding are as they were', async () => {
    expect((await owner.get('/api/merchant/push/offers')).body.offers).toEqual([])
    expect((await owner.get('/api/merchant/program')).body.version).toBe(1)
    expect((await owner.get('/api/merchant/branding')).body.brandColor).toBe('#123456')
    expect((await owner.get('/api/merchant/rewards')).body.rewards).toEqual([])
  })
})
