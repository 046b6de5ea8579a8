import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPushService } from '../helpers/push-service.js'
import {
  expectNoAxeViolations,
  expectNotBlank,
  launch,
  phoneContext,
  screenshot,
  staffSignIn,
  startServer,
  type RunningServer,
} from './harness.js'

/*
 * Feedback in Chromium at 390x844 against the demo server: a member is awarded at the till, rates the
 * visit 2 with a comment below the QR (which stays whole and uncovered); the owner's alert arrives at
 * the mock push service and, delivered to the service worker through the DevTools protocol, opens the
 * inbox; the owner replies; the member reads the reply on the card; a quarterly survey for the
 * high-value segment reaches the member who spent big and not a new member who spent nothing.
 */
declare const navigator: any
declare const window: any
declare const document: any

const POLL = { timeout: 30_000 }

let server: RunningServer
let browser: Browser
let service: Awaited<ReturnType<typeof startPushService>>
let member: BrowserContext
let owner: BrowserContext
let card: Page
let inbox: Page
let ownerSub: Awaited<ReturnType<typeof service.subscribe>>

beforeAll(async () => {
  ;[server, browser, service] = await Promise.all([startServer(), launch(), startPushService()])
  member = await phoneContext(browser, server.url)
  owner = await phoneContext(browser, server.url)
  await owner.grantPermissions(['notifications'], { origin: server.url })
})
afterAll(async () => {
  await browser?.close()
  await server?.stop()
  await service?.close()
})

async function join(page: Page, name: string) {
  await page.goto('/join/demo')
  await page.getByTestId('join-name').fill(name)
  await page.getByTestId('join-submit').click()
  await page.waitForURL(/\/cards\/[^/]+$/)
  await page.getByTestId('card-qr').waitFor()
}

async function awardAtTill(shortCode: string, amount: string) {
  const cashier = await phoneContext(browser, server.url)
  const till = await cashier.newPage()
  await staffSignIn(till, 'cashier@demo.test', 'demo-cashier-pass')
  await till.getByTestId('card-code').fill(shortCode)
  await till.getByTestId('open-card').click()
  await till.getByTestId('scan-result').waitFor()
  await till.getByTestId('amount').fill(amount)
  await till.getByTestId('award').click()
  await till.getByTestId('award-success').waitFor()
  await cashier.close()
}

async function swRegistrationId(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page)
  const ids: string[] = []
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
    for (const r of e.registrations) if (!r.isDeleted) ids.push(r.registrationId)
  })
  await cdp.send('ServiceWorker.enable')
  for (let i = 0; i < 150 && !ids.length; i++) await page.waitForTimeout(100)
  expect(ids.length).toBeGreaterThan(0)
  return { cdp, registrationId: ids[0]! }
}

describe('feedback at 390x844', () => {
  it("the owner's phone is set up for alerts", async () => {
    inbox = await owner.newPage()
    await staffSignIn(inbox, 'owner@demo.test', 'demo-owner-pass')
    await inbox.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
    await inbox.reload() // now the service worker controls the page, so a notification's click can navigate it
    expect(await inbox.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true)
    const { publicKey } = (await inbox.evaluate(() => fetch('/api/push/public-key').then((r) => r.json()))) as {
      publicKey: string
    }
    ownerSub = await service.subscribe(publicKey)
    const status = await inbox.evaluate(
      (body) =>
        fetch('/api/merchant/alerts/devices', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then((r) => r.status),
      { endpoint: ownerSub.endpoint, keys: ownerSub.keys },
    )
    expect(status).toBe(204)
  })

  it('a member awarded at the till is asked below the QR, which stays whole, and rates the visit 2', async () => {
    card = await member.newPage()
    await join(card, 'Ada Lovelace')
    const shortCode = (await card.getByTestId('short-code').textContent())!
    expect(await card.getByTestId('rate-visit').count()).toBe(0)
    await awardAtTill(shortCode, '4800.00')

    const prompt = card.getByTestId('rate-visit')
    await prompt.waitFor(POLL)
    expect(await prompt.textContent()).toContain('How was your visit to Demo Café?')
    await card.evaluate(() => window.scrollTo(0, 0))
    const qr = (await card.getByTestId('card-qr').boundingBox())!
    const box = (await prompt.boundingBox())!
    // The prompt is below the QR, not over it, and the whole QR is on the first screen.
    expect(box.y).toBeGreaterThanOrEqual(qr.y + qr.height)
    expect(qr.y).toBeGreaterThanOrEqual(0)
    expect(qr.y + qr.height).toBeLessThanOrEqual(844)
    const topmost = await card.evaluate(
      ([x, y]) => document.elementFromPoint(x!, y!)?.closest('[data-testid="card-qr"]') !== null,
      [qr.x + qr.width / 2, qr.y + qr.height / 2],
    )
    expect(topmost).toBe(true)
    await expectNoAxeViolations(card)
    await expectNotBlank(await screenshot(card, 'feedback-card-question'))
    // What the phone shows without scrolling: the whole code, the question starting below it.
    await card.screenshot({ path: 'test-results/screenshots/feedback-card-question-viewport.png' })

    await card.getByTestId('rate-2').click()
    await card.getByTestId('rate-comment').fill('Cold coffee and a long wait at the counter.')
    await prompt.scrollIntoViewIfNeeded()
    await screenshot(card, 'feedback-card-rating-2')
    await card.getByTestId('rate-send').click()
    await card.getByTestId('rate-thanks').waitFor()
    await expectNoAxeViolations(card)
    await screenshot(card, 'feedback-card-thanks')
  })

  it("the owner's alert arrives at once and opens the inbox, where the owner replies", async () => {
    let messages: string[] = []
    await expect.poll(async () => (messages = await service.messages(ownerSub.clientHash)).length, POLL).toBe(1)
    const alert = JSON.parse(messages[0]!)
    expect(alert).toMatchObject({
      title: 'A visit was rated 2 of 5',
      body: 'Cold coffee and a long wait at the counter.',
      kind: 'feedback_low',
    })
    expect(alert.url).toMatch(/^\/merchant\/feedback\?response=/)

    // The decrypted push, handed to the owner's service worker: it shows, and its click opens the inbox.
    const { cdp, registrationId } = await swRegistrationId(owner, inbox)
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: server.url, registrationId, data: messages[0]! })
    const shown = () =>
      inbox.evaluate(async () =>
        ((await (await navigator.serviceWorker.ready).getNotifications()) as Array<{ title: string }>).map(
          (n) => n.title,
        ),
      )
    await expect.poll(shown, POLL).toEqual(['A visit was rated 2 of 5'])
    const sw = owner.serviceWorkers()[0] ?? (await owner.waitForEvent('serviceworker'))
    await sw.evaluate(async () => {
      const g = globalThis as any
      const [note] = await g.registration.getNotifications()
      g.dispatchEvent(new g.NotificationEvent('notificationclick', { notification: note }))
    })
    await inbox.waitForURL(/\/merchant\/feedback\?response=/)
    const entry = inbox.locator('[data-testid="inbox-visit"]').first()
    await entry.waitFor(POLL)
    expect(await entry.textContent()).toContain('Cold coffee and a long wait at the counter.')
    expect(await entry.textContent()).toContain('Ada Lovelace')
    expect(await entry.textContent()).toContain('Casey Cashier')
    await expectNoAxeViolations(inbox)
    await screenshot(inbox, 'feedback-inbox')

    await entry.getByTestId('inbox-reply-open').click()
    await entry.getByTestId('inbox-reply-body').fill('Sorry, Ada! Your next coffee is on us: show this at the till.')
    await entry.getByTestId('inbox-reply-send').click()
    await entry.getByTestId('inbox-reply').waitFor()
    await screenshot(inbox, 'feedback-inbox-replied')
  })

  it('the member reads the reply on the card', async () => {
    await card.reload()
    const reply = card.getByTestId('feedback-reply')
    await reply.waitFor(POLL)
    expect(await card.getByTestId('feedback-reply-body').textContent()).toBe(
      'Sorry, Ada! Your next coffee is on us: show this at the till.',
    )
    expect(await reply.textContent()).toContain('You rated your visit 2 of 5')
    await expectNoAxeViolations(card)
    await screenshot(card, 'feedback-card-reply')
    await card.getByTestId('feedback-reply-read').click()
    await expect.poll(() => reply.count()).toBe(0)
  })

  it('a quarterly survey appears to the targeted segment only', async () => {
    const other = await phoneContext(browser, server.url, 'pl-PL')
    const bea = await other.newPage()
    await join(bea, 'Bea Newcomer')

    await inbox.goto('/merchant/surveys')
    const editor = inbox.getByTestId('survey-editor')
    await editor.waitFor()
    await inbox.getByTestId('survey-title').fill('Our quarterly review')
    await inbox.getByTestId('survey-segment').selectOption('high_value')
    await inbox.getByTestId('survey-schedule').selectOption('quarterly')
    await inbox.getByTestId('survey-points-input').fill('10')
    await inbox.getByTestId('editor-kind-0').selectOption('recommend')
    await inbox.getByTestId('editor-prompt-0').fill('How likely are you to recommend us to a friend?')
    await inbox.getByTestId('editor-add').click()
    await inbox.getByTestId('editor-kind-1').selectOption('single')
    await inbox.getByTestId('editor-prompt-1').fill('Which reward would you like next?')
    await inbox.getByTestId('editor-options-1').fill('Free cake\nFree coffee\nA tote bag')
    await screenshot(inbox, 'feedback-survey-editor')
    const created = inbox.waitForResponse(
      (r) => r.url().endsWith('/api/merchant/feedback/surveys') && r.request().method() === 'POST',
    )
    await inbox.getByTestId('survey-create').click()
    expect((await created).status()).toBe(201)
    await inbox.getByTestId('survey-item').first().waitFor()
    expect(await inbox.getByTestId('survey-item').first().textContent()).toContain('Every quarter')
    await expectNoAxeViolations(inbox)
    await screenshot(inbox, 'feedback-surveys')

    // Ada spent big: high value. Bea has spent nothing yet.
    await card.reload()
    const survey = card.getByTestId('survey-prompt')
    await survey.waitFor(POLL)
    expect(await survey.textContent()).toContain('Our quarterly review')
    expect(await card.getByTestId('survey-points').textContent()).toContain('10 points')
    await bea.reload()
    await bea.getByTestId('card-qr').waitFor()
    await bea.waitForLoadState('networkidle')
    expect(await bea.getByTestId('survey-prompt').count()).toBe(0)
    // Bea's phone speaks Polish: her visit question does too.
    await awardAtTill((await bea.getByTestId('short-code').textContent())!, '3.50')
    await bea.getByTestId('rate-visit').waitFor(POLL)
    expect(await bea.getByTestId('rate-visit').textContent()).toContain('Jak oceniasz wizytę w Demo Café?')
    await bea.getByTestId('rate-4').click()
    await bea.getByTestId('rate-visit').scrollIntoViewIfNeeded()
    await expectNoAxeViolations(bea)
    await screenshot(bea, 'feedback-card-question-pl')

    await card.getByTestId('survey-open').click()
    await card.getByTestId('survey-q-0').getByText('9', { exact: true }).click()
    await card.getByTestId('survey-q-1').getByText('Free cake').click()
    await survey.scrollIntoViewIfNeeded()
    await expectNoAxeViolations(card)
    await screenshot(card, 'feedback-card-survey')
    await card.getByTestId('survey-send').click()
    await card.getByTestId('survey-thanks').waitFor()
    expect(await card.getByTestId('survey-thanks').textContent()).toContain('10 points')
    await other.close()

    // The answers in the survey's results: the recommend score and the reward members want, as counts.
    await inbox.reload()
    await inbox.getByTestId('survey-results-toggle').first().click()
    const results = inbox.getByTestId('survey-results')
    await expect.poll(() => results.textContent(), POLL).toContain('Free cake')
    expect(await results.textContent()).toContain('1 response')
    await expectNoAxeViolations(inbox)
    await screenshot(inbox, 'feedback-survey-results')

    await inbox.goto('/merchant/feedback/figures')
    await inbox.getByTestId('kpi-rating').waitFor()
    expect(await inbox.getByTestId('kpi-rating').textContent()).toContain('2')
    expect(await inbox.getByTestId('kpi-recommend').textContent()).toContain('100')
    await inbox.getByTestId('comeback-not-enough').first().waitFor()
    await expectNoAxeViolations(inbox)
    await expectNotBlank(await screenshot(inbox, 'feedback-figures'))
  })
})
