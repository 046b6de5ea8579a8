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

describe('campaign lift, staff alerts and exports in the console', () => {
  it("owner reads the demo offer's lift with its chart, and the staff alerts, at 390x844", async () => {
    const context = await phoneContext(e2e.browser, e2e.server.url)
    const page = await context.newPage()
    await staffSignIn(page, 'owner@demo.test', 'demo-owner-pass')

    await page.goto('/merchant/campaigns')
    const offer = page.getByTestId('campaign').filter({ hasText: 'Soup season is here' })
    await offer.getByTestId('campaign-figures').waitFor()
    // The chart draws into a canvas once chart.js has loaded.
    await offer.locator('canvas').waitFor()
    expect(await offer.getByTestId('campaign-figures').textContent()).toMatch(/Extra visits caused/)
    expect(
      await page.getByTestId('campaign').filter({ hasText: 'We miss you' }).getByTestId('campaign-state').textContent(),
    ).toMatch(/Too early/)
    await expectNoAxeViolations(page)
    await expectNotBlank(await screenshot(page, 'campaigns-390'))

    await page.goto('/merchant/alerts')
    await page.getByTestId('alert').first().waitFor()
    const rules = await page.getByTestId('alert').allTextContents()
    expect(rules.some((r) => r.includes('Same card again and again'))).toBe(true)
    expect(rules.some((r) => r.includes('Many awards in an hour'))).toBe(true)
    expect(rules.some((r) => r.includes('Outside opening hours'))).toBe(true)
    await page.getByTestId('opening-hours').waitFor()
    await expectNoAxeViolations(page)
    await expectNotBlank(await screenshot(page, 'alerts-390'))

    // Acknowledge the repeat-card alert: it leaves the open list.
    const before = await page.getByTestId('alert').count()
    const repeat = page.getByTestId('alert').filter({ hasText: 'Same card again and again' }).first()
    const saved = page.waitForResponse((r) => /\/api\/merchant\/alerts\/[^/]+\/state$/.test(r.url()))
    await repeat.getByTestId('alert-ack').click()
    expect((await saved).status()).toBe(204)
    await expect.poll(() => page.getByTestId('alert').count()).toBe(before - 1)

    await page.goto('/merchant/exports')
    const href = await page.getByTestId('export-members').getAttribute('href')
    const csv = await page.request.get(href!)
    expect(csv.status()).toBe(200)
    // Headers in the console's language (English here).
    expect((await csv.text()).split('\r\n')[0]).toBe(
      'Card number,Name,Email,Joined,Tier,Balance,Visits,Spend,Currency,Last visit,Marketing consent,Joined at',
    )
    await expectNoAxeViolations(page)
    await context.close()
  })
})
