import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import {
  expectNoAxeViolations,
  launch,
  phoneContext,
  screenshot,
  staffSignIn,
  startServer,
  type RunningServer,
} from './harness.js'

let server: RunningServer
let browser: Browser
beforeAll(async () => {
  server = await startServer()
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

describe('rewards and coupons in Chromium', () => {
  it('a customer redeems a reward for a coupon and a cashier redeems the coupon once', async () => {
    const posKey = /POS API key \(demo\): (\S+)/.exec(server.output())?.[1]
    expect(posKey).toBeTruthy()

    // The customer joins Demo Café and earns 200 points through the POS.
    const customer = await phoneContext(browser, server.url)
    const page = await customer.newPage()
    await page.goto('/join/demo')
    await page.getByTestId('join-name').fill('Grace')
    await page.getByTestId('join-submit').click()
    await page.getByTestId('card').waitFor()
    const cardId = /\/cards\/([^/?#]+)/.exec(page.url())![1]!
    const detail = await (await page.request.get(`/api/me/cards/${cardId}`)).json()
    const earned = await page.request.post('/api/pos/v1/earn', {
      headers: { authorization: `Bearer ${posKey}`, 'idempotency-key': randomUUID() },
      data: { cardNumber: detail.card.cardNumber, amountMinor: 20000 },
    })
    expect(earned.status()).toBe(201)
    // The demo program adds a welcome bonus and visit points (and doubles on Tuesday afternoons): take the balance it answers.
    const { balance } = (await earned.json()) as { balance: number }

    // The card shows the stamp card picture and the way to rewards.
    await page.reload()
    await page.getByTestId('stamp-card').waitFor()
    await expect.poll(() => page.getByTestId('card-balance').textContent()).toContain(String(balance))
    await expectNoAxeViolations(page)
    await screenshot(page, 'rewards-card')

    await page.getByTestId('coupons-link').click()
    await page.getByTestId('reward').first().waitFor()
    await expectNoAxeViolations(page)
    const coffee = page.getByTestId('reward').filter({ hasText: 'Free coffee' })
    await expect.poll(() => coffee.getByTestId('redeem').textContent()).toContain('Redeem for 80 points')
    await coffee.getByTestId('redeem').click()
    await coffee.getByTestId('confirm-redeem').click()
    const dialog = page.getByTestId('coupon-dialog')
    await dialog.waitFor()
    const code = (await dialog.getByTestId('coupon-code').textContent())!.trim()
    expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/)
    await screenshot(page, 'rewards-coupon-qr')
    await dialog.getByTestId('coupon-dialog-close').click()
    await expect.poll(() => page.getByTestId('perks-balance').textContent()).toContain(String(balance - 80))
    expect(await page.getByTestId('coupon').count()).toBe(1)
    await screenshot(page, 'rewards-coupons')

    // The cashier types the code in the scanner's coupon mode and redeems it.
    const till = await phoneContext(browser, server.url)
    const staff = await till.newPage()
    await staffSignIn(staff, 'cashier@demo.test', 'demo-cashier-pass')
    await staff.getByTestId('mode-coupon').click()
    await staff.getByTestId('coupon-code-input').fill(code.toLowerCase())
    await staff.getByTestId('check-coupon').click()
    await staff.getByTestId('coupon-found').waitFor()
    expect(await staff.getByTestId('coupon-found').textContent()).toContain('Grace')
    await staff.getByTestId('redeem-coupon').click()
    await staff.getByTestId('coupon-redeemed').waitFor()
    await expectNoAxeViolations(staff)
    await screenshot(staff, 'rewards-till-redeemed')

    // A second attempt is refused as already used.
    await staff.getByTestId('next-coupon').click()
    await staff.getByTestId('coupon-code-input').fill(code)
    await staff.getByTestId('check-coupon').click()
    await expect.poll(() => staff.getByTestId('coupon-state').textContent()).toContain('already been used')

    // The customer's list moves it to "used".
    await page.reload()
    await page.getByTestId('past-coupon').first().waitFor({ state: 'attached' })
    expect(await page.getByTestId('coupon').count()).toBe(0)
    await till.close()
    await customer.close()
  })

  it('the owner sees the rewards console with the catalog and the stamp card', async () => {
    const ctx = await phoneContext(browser, server.url)
    const page = await ctx.newPage()
    await staffSignIn(page, 'owner@demo.test', 'demo-owner-pass')
    await page.getByTestId('nav-rewards').click()
    await page.getByTestId('reward-row').first().waitFor()
    expect(await page.getByTestId('reward-row').count()).toBe(3)
    await page.getByTestId('reward-name').fill('Muffin')
    await page.getByTestId('reward-cost').fill('60')
    await page.getByTestId('reward-image').fill('🧁')
    await page.getByTestId('save-reward').click()
    await expect.poll(() => page.getByTestId('reward-row').count()).toBe(4)
    await expectNoAxeViolations(page)
    await screenshot(page, 'rewards-console')
    await ctx.close()
  })
})
