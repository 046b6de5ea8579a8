import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  expectNoAxeViolations,
  expectNotBlank,
  phoneContext,
  screenshot,
  serverAndBrowser,
  staffSignIn,
} from './harness.js'

const e2e = serverAndBrowser()

describe('a whole program run from the console (issue 4)', () => {
  it('the owner sets Silver at 100 points and a reward; a member earns to Silver, redeems it; a cashier takes the coupon', async () => {
    // The owner: Silver at 100 points earned, Gold above it, previewed and saved.
    const ownerCtx = await phoneContext(e2e.browser, e2e.server.url)
    const owner = await ownerCtx.newPage()
    await staffSignIn(owner, 'owner@demo.test', 'demo-owner-pass')
    await owner.getByTestId('nav-program').click()
    await expect.poll(() => owner.getByTestId('tier-name-0').inputValue()).toBe('Silver')
    await owner.getByTestId('tier-threshold-1').fill('300')
    await owner.getByTestId('tier-threshold-0').fill('100')
    const versionOf = async () =>
      Number(/Version (\d+)/.exec((await owner.getByTestId('program-version').textContent()) ?? '')?.[1])
    const before = await versionOf()
    await owner.getByTestId('run-preview').click()
    await owner.getByTestId('preview-table').waitFor()
    await owner.getByTestId('save-program').click()
    await expect.poll(versionOf).toBe(before + 1)

    // ...and a reward in the catalog.
    await owner.getByTestId('nav-rewards').click()
    await owner.getByTestId('reward-row').first().waitFor()
    await owner.getByTestId('reward-name').fill('Cinema ticket')
    await owner.getByTestId('reward-cost').fill('50')
    await owner.getByTestId('save-reward').click()
    await expect.poll(() => owner.getByTestId('reward-row').filter({ hasText: 'Cinema ticket' }).count()).toBe(1)

    // A member joins and earns past 100 points at the till (through the POS here).
    const memberCtx = await phoneContext(e2e.browser, e2e.server.url)
    const card = await memberCtx.newPage()
    await card.goto('/join/demo')
    await card.getByTestId('join-name').fill('Maya')
    await card.getByTestId('join-submit').click()
    await card.getByTestId('card').waitFor()
    await expect.poll(async () => (await card.getByTestId('tier-progress').textContent()) ?? '').toMatch(/to Silver/)
    const cardId = /\/cards\/([^/?#]+)/.exec(card.url())![1]!
    const { card: detail } = (await (await card.request.get(`/api/me/cards/${cardId}`)).json()) as {
      card: { cardNumber: string }
    }
    const posKey = /POS API key \(demo\): (\S+)/.exec(e2e.server.output())![1]!
    const earned = await card.request.post('/api/pos/v1/earn', {
      headers: { authorization: `Bearer ${posKey}`, 'idempotency-key': randomUUID() },
      data: { cardNumber: detail.cardNumber, amountMinor: 12000 },
    })
    expect(earned.status()).toBe(201)

    // The card says Silver, in the merchant's colours. (The reload first shows the card as stored on the
    // phone, "... to Silver", until the fresh one arrives: wait for that.)
    await card.reload()
    await expect.poll(async () => (await card.getByTestId('tier-to-next').textContent()) ?? '').toMatch(/to Gold/)
    expect(await card.getByTestId('tier-progress').textContent()).toMatch(/Silver/)
    await expectNoAxeViolations(card)
    await expectNotBlank(await screenshot(card, 'program-loop-branded-card'))

    // The member redeems the reward for a coupon.
    await card.getByTestId('coupons-link').click()
    const ticket = card.getByTestId('reward').filter({ hasText: 'Cinema ticket' })
    await ticket.getByTestId('redeem').click()
    await ticket.getByTestId('confirm-redeem').click()
    const dialog = card.getByTestId('coupon-dialog')
    await dialog.waitFor()
    const code = (await dialog.getByTestId('coupon-code').textContent())!.trim()

    // A cashier redeems the coupon at the till, once.
    const tillCtx = await phoneContext(e2e.browser, e2e.server.url)
    const till = await tillCtx.newPage()
    await staffSignIn(till, 'cashier@demo.test', 'demo-cashier-pass')
    await till.getByTestId('mode-coupon').click()
    await till.getByTestId('coupon-code-input').fill(code)
    await till.getByTestId('check-coupon').click()
    await till.getByTestId('coupon-found').waitFor()
    expect(await till.getByTestId('coupon-found').textContent()).toContain('Cinema ticket')
    await till.getByTestId('redeem-coupon').click()
    await till.getByTestId('coupon-redeemed').waitFor()
    // A cashier cannot change the program: the console does not offer it, and the API refuses.
    expect(await till.getByTestId('nav-program').count()).toBe(0)
    const refused = await till.request.put('/api/merchant/program', {
      data: { rules: { pointsPerUnit: 5, unitMinor: 100 } },
    })
    expect(refused.status()).toBe(403)

    // The owner's printable poster for a signup link renders with its QR.
    await owner.getByTestId('nav-links').click()
    await owner.getByTestId('link-campaign').fill('Window poster')
    await owner.getByTestId('create-link').click()
    await owner.getByTestId('signup-link-row').filter({ hasText: 'Window poster' }).getByTestId('poster-link').click()
    await owner.waitForURL('**/merchant/signup-links/*/poster')
    await owner.getByTestId('poster-qr').locator('svg').first().waitFor()
    await expectNotBlank(await screenshot(owner, 'program-loop-poster'))

    await Promise.all([ownerCtx.close(), memberCtx.close(), tillCtx.close()])
  })
})
