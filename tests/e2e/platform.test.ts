import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import { startMailbox } from '../helpers/account.js'
import {
  expectNoAxeViolations,
  expectNotBlank,
  phoneContext,
  screenshot,
  serverAndBrowser,
  staffSignIn,
} from './harness.js'

/*
 * Many businesses on one server, in Chromium at 390x844: a business signs up and follows its
 * checklist to a live program and a printed poster; a customer holds two shops' cards in one
 * wallet; a cashier at one location awards there and the owner sees it under that location.
 */

let mailbox: Awaited<ReturnType<typeof startMailbox>>
beforeAll(async () => {
  mailbox = await startMailbox()
})
afterAll(() => mailbox?.close())
const e2e = serverAndBrowser(120_000, () => ({ SIGNUP: 'open', SMTP_URL: mailbox.url }))

/** The browser's globals, typed here (the tests compile for Node). */
type Win = {
  getComputedStyle(el: unknown): { getPropertyValue(p: string): string }
  print: () => void
  printed: number
}
const css = (l: Locator, prop: string) =>
  l.evaluate((el, p) => (globalThis as unknown as Win).getComputedStyle(el).getPropertyValue(p), prop)
const stepState = (page: Page, step: string) => page.getByTestId(`step-${step}-state`).textContent()
/** Opens a step of the checklist unless it is open already (the next step to do opens by itself). */
async function openStep(page: Page, step: string) {
  const details = page.getByTestId(`step-${step}`)
  if (!(await details.evaluate((d) => (d as unknown as { open: boolean }).open)))
    await details.locator('summary').click()
}

describe('a platform of many businesses', () => {
  it('a new business signs up, confirms its email, follows the checklist to a live program and a printed poster', async () => {
    const context = await phoneContext(e2e.browser, e2e.server.url)
    // Printing opens no dialog in a headless browser; count the calls instead.
    await context.addInitScript(() => {
      const w = globalThis as unknown as Win
      w.printed = 0
      w.print = () => void (w.printed += 1)
    })
    const page = await context.newPage()
    await page.goto('/business/signup')
    await page.getByTestId('signup-name').fill('Corner Bakery')
    // The address follows the name, and a reserved word is refused as it is typed.
    await expect.poll(() => page.getByTestId('signup-slug').inputValue()).toBe('corner-bakery')
    await page.getByTestId('signup-slug').fill('admin')
    await expect.poll(() => page.locator('.field-error').first().textContent()).toMatch(/reserved/)
    await page.getByTestId('signup-slug').fill('corner-bakery')
    await page.getByTestId('slug-available').waitFor()
    await page.selectOption('[data-testid="signup-kind"]', 'bakery')
    await page.selectOption('[data-testid="signup-country"]', 'PL')
    expect(await page.getByTestId('signup-currency').inputValue()).toBe('PLN')
    await page.getByTestId('signup-owner-name').fill('Bea Baker')
    await page.getByTestId('signup-owner-email').fill('bea@corner.test')
    await page.getByTestId('signup-owner-password').fill('a long enough password')
    await expectNoAxeViolations(page)
    await screenshot(page, 'platform-signup')
    await page.getByTestId('signup-submit').click()

    // The owner lands on the checklist; nothing is done but what the sign-up did.
    await page.waitForURL('**/merchant/get-started')
    await expect.poll(() => stepState(page, 'email')).toBe('To do')
    expect(await stepState(page, 'go_live')).toBe('To do')
    expect(await page.getByTestId('go-live').isDisabled()).toBe(true)
    await expectNoAxeViolations(page)

    // The emailed link confirms the address (a tap on the page, so mail scanners do not use it up).
    const mail = await mailbox.waitFor(1)
    const link = /(http:\/\/localhost:\d+\/business\/verify\?token=[\w-]+)/.exec(mail.text ?? '')![1]!
    await page.goto(link)
    await page.getByTestId('verify-confirm').click()
    await page.getByTestId('verify-done').waitFor()
    await page.getByRole('link', { name: 'Continue with the checklist' }).click()
    await expect.poll(() => stepState(page, 'email')).toBe('Done')

    // The ready-made bakery program, a value changed before it is applied.
    await page.getByTestId('program-template').waitFor()
    await expect.poll(() => page.getByTestId('template-kind').inputValue()).toBe('bakery')
    expect(await page.getByTestId('tpl-reward').count()).toBe(3)
    await page.getByTestId('tpl-welcome').fill('15')
    await page.getByTestId('apply-template').click()
    await expect.poll(() => stepState(page, 'program')).toBe('Done')

    // The card's look, with the live preview, then back.
    await openStep(page, 'branding')
    await page.getByTestId('first-run-branding').click()
    await page.getByTestId('branding-brand').fill('#8a4b08')
    const tile = page.getByTestId('branding-preview').getByTestId('wallet-card')
    await expect.poll(() => css(tile, 'background-color')).toBe('rgb(138, 75, 8)')
    await page.getByTestId('branding-save').click()
    await page.getByTestId('branding-back').click()
    await expect.poll(() => stepState(page, 'branding')).toBe('Done')

    // The poster, printed.
    await openStep(page, 'poster')
    await page.getByTestId('first-run-poster').click()
    await page.getByTestId('poster-qr').waitFor()
    await page.getByTestId('poster-print').click()
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as Win).printed)).toBe(1)
    await screenshot(page, 'platform-poster')
    await page.getByTestId('poster-back').click()
    await expect.poll(() => stepState(page, 'poster')).toBe('Done')

    // Working alone for now.
    await openStep(page, 'staff')
    await page.getByTestId('first-run-alone').click()
    await expect.poll(() => stepState(page, 'staff')).toBe('Skipped')

    // A test scan of the practice card: shown, never recorded.
    await openStep(page, 'test_scan')
    await page.getByTestId('practice-scan-here').click()
    await page.getByTestId('practice-notice').waitFor()
    await page.getByTestId('amount').fill('12,50')
    await page.getByTestId('award').click()
    await page.getByTestId('award-success').waitFor()
    await page.getByTestId('back-to-first-run').click()
    await expect.poll(() => stepState(page, 'test_scan')).toBe('Done')

    // Live.
    await page.getByTestId('go-live').click()
    await page.getByTestId('first-run-complete').waitFor()
    expect(await stepState(page, 'go_live')).toBe('Done')
    await expectNotBlank(await screenshot(page, 'platform-first-run-done'))

    // Members can join now, under the bakery's colours and with its welcome bonus.
    const customer = await (await phoneContext(e2e.browser, e2e.server.url)).newPage()
    await customer.goto('/join/corner-bakery')
    await customer.getByTestId('join-name').fill('Ola')
    await customer.getByTestId('join-submit').click()
    await customer.waitForURL(/\/cards\/[^/]+$/)
    expect(await customer.getByTestId('card').textContent()).toContain('Corner Bakery')
    expect(await customer.getByTestId('card').textContent()).toContain('15')
    await context.close()
  })

  it('a customer joins two businesses and sees two branded cards in one wallet', async () => {
    const context = await phoneContext(e2e.browser, e2e.server.url)
    const page = await context.newPage()
    for (const slug of ['demo', 'salon']) {
      await page.goto(`/join/${slug}`)
      await page.getByTestId('join-form').waitFor()
      if (!(await page.getByTestId('join-name').inputValue())) await page.getByTestId('join-name').fill('Wanda')
      await page.getByTestId('join-submit').click()
      await page.waitForURL(/\/cards\/[^/]+$/)
    }
    await page.goto('/')
    const cards = page.getByTestId('wallet-card')
    await expect.poll(() => cards.count()).toBe(2)
    // The card used last (joined last) first, each in its business's colours.
    expect(await cards.nth(0).textContent()).toContain('Salon Lena')
    expect(await cards.nth(1).textContent()).toContain('Demo Café')
    expect(await css(cards.nth(0), 'background-color')).toBe('rgb(15, 118, 110)')
    expect(await css(cards.nth(1), 'background-color')).toBe('rgb(124, 58, 237)')
    await expectNoAxeViolations(page)
    await expectNotBlank(await screenshot(page, 'platform-wallet-two-cards'))
    await context.close()
  })

  it("a cashier assigned to one location awards there, and the owner's insights show it at that location", async () => {
    const context = await phoneContext(e2e.browser, e2e.server.url)
    const owner = await context.newPage()
    await staffSignIn(owner, 'owner@demo.test', 'demo-owner-pass')
    const before = await owner.evaluate(async () => {
      type Rows = { rows: Array<{ location: { name: string } | null; purchases: number }> }
      const r = (await (await fetch('/api/merchant/insights/locations')).json()) as Rows
      return r.rows.find((x) => x.location?.name === 'Riverside')!.purchases
    })

    // A member shows the card; the cashier (who works at Riverside only) types its code.
    const member = await (await phoneContext(e2e.browser, e2e.server.url)).newPage()
    await member.goto('/join/demo')
    await member.getByTestId('join-name').fill('Rita River')
    await member.getByTestId('join-submit').click()
    await member.getByTestId('short-code').waitFor()

    const tillContext = await phoneContext(e2e.browser, e2e.server.url)
    const till = await tillContext.newPage()
    await staffSignIn(till, 'cashier@demo.test', 'demo-cashier-pass')
    expect(await till.getByTestId('till-location').textContent()).toContain('At Riverside')
    await till.getByTestId('card-code').fill((await member.getByTestId('short-code').textContent())!)
    await till.getByTestId('open-card').click()
    await till.getByTestId('scan-result').waitFor()
    expect(await till.getByTestId('scan-location').textContent()).toContain('Riverside')
    await till.getByTestId('amount').fill('20')
    await till.getByTestId('award').click()
    await till.getByTestId('award-success').waitFor()

    await owner.goto('/merchant/insights')
    const row = owner.getByTestId('location-row').filter({ hasText: 'Riverside' })
    await expect.poll(() => row.getByTestId('location-purchases').textContent()).toBe(String(before + 1))
    await row.scrollIntoViewIfNeeded()
    await expectNotBlank(await screenshot(owner, 'platform-insights-by-location'))
    await context.close()
    await tillContext.close()
  })
})
