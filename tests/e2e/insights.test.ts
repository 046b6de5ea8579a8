import type { Page } from 'playwright-core'
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

/* The test project is compiled without the DOM library: the canvas API is typed by hand here. */
type Canvas = {
  width: number
  height: number
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } }
}
type Doc = { querySelector(sel: string): Canvas | null }

/** Share of a chart's canvas pixels that are painted, and how many distinct colours it has (sampled). */
function paint(page: Page, testid: string) {
  return page.evaluate((id) => {
    const c = (globalThis as unknown as { document: Doc }).document.querySelector(`[data-testid="${id}"] canvas`)
    if (!c || !c.width || !c.height) return { painted: 0, colours: 0 }
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data
    let painted = 0
    const colours = new Set<string>()
    for (let i = 0; i < data.length; i += 4 * 7) {
      if (data[i + 3]! > 0) {
        painted++
        colours.add(`${data[i]! >> 4},${data[i + 1]! >> 4},${data[i + 2]! >> 4}`)
      }
    }
    return { painted: painted / (data.length / (4 * 7)), colours: colours.size }
  }, testid)
}

describe('insights', () => {
  it('shows the owner a dashboard whose charts render at phone and laptop sizes, with no axe violations', async () => {
    const context = await phoneContext(e2e.browser, e2e.server.url)
    const page = await context.newPage()
    await staffSignIn(page, 'owner@demo.test', 'demo-owner-pass')
    await page.getByTestId('nav-insights').first().click()
    await page.waitForURL('**/merchant/insights')
    await page.getByTestId('kpi-members').waitFor()
    await page.locator('[data-testid="chart-segments"] canvas').waitFor()
    await page.locator('[data-testid="chart-second-visit"] canvas').waitFor()
    await expect.poll(async () => (await paint(page, 'chart-segments')).painted).toBeGreaterThan(0.05)
    // The doughnut has one colour per segment; the bars one colour plus axes and labels.
    expect((await paint(page, 'chart-segments')).colours).toBeGreaterThanOrEqual(5)
    expect((await paint(page, 'chart-second-visit')).painted).toBeGreaterThan(0.02)

    // The demo's year of members: hundreds of them, at risk and lapsed ones, a filled heatmap.
    const members = Number((await page.getByTestId('kpi-members').locator('.value').textContent())!.replace(/\D/g, ''))
    expect(members).toBeGreaterThan(200)
    expect(await page.getByTestId('at-risk-list').locator('li').count()).toBeGreaterThan(0)
    expect(await page.getByTestId('cohort-heatmap').locator('tbody tr').count()).toBe(12)
    // Every figure says how it is computed, and the charts have a text summary.
    expect(await page.locator('.kpi .help').count()).toBe(await page.locator('.kpi').count())
    expect(await page.locator('[data-testid="chart-segments"] canvas').getAttribute('aria-label')).toMatch(
      /Regular \d+/,
    )

    await expectNotBlank(await screenshot(page, 'insights-phone'))
    await expectNoAxeViolations(page)

    await page.setViewportSize({ width: 1280, height: 900 })
    await expect.poll(async () => (await paint(page, 'chart-second-visit')).painted).toBeGreaterThan(0.02)
    await expectNotBlank(await screenshot(page, 'insights-laptop'))
    await context.close()
  })

  it('lists the members of a segment, downloads it as CSV, and links an offer to it', async () => {
    const context = await phoneContext(e2e.browser, e2e.server.url)
    const page = await context.newPage()
    await staffSignIn(page, 'manager@demo.test', 'demo-manager-pass')
    await page.goto('/merchant/segments')
    await page.getByTestId('segment-member').first().waitFor()
    await page.getByTestId('segment-regular').click()
    await expect.poll(() => page.getByTestId('segment-total').textContent()).toMatch(/Showing 25 of \d+/)
    expect(await page.getByTestId('segment-member').count()).toBe(25)
    await page.getByTestId('segment-more').click()
    await expect.poll(() => page.getByTestId('segment-member').count()).toBeGreaterThan(25)

    const csv = await page.request.get('/api/merchant/insights/segments/regular/csv')
    expect(csv.status()).toBe(200)
    const lines = (await csv.text()).trim().split('\r\n')
    expect(lines[0]).toBe(
      'card_number,name,email,joined,last_visit,visits,visits_90d,usual_gap_days,days_away,spend_365d,currency,lifecycle,high_value',
    )
    expect(lines.length).toBeGreaterThan(26)

    await expectNotBlank(await screenshot(page, 'segments-phone'))
    await expectNoAxeViolations(page)
    await page.getByTestId('segment-offer').click()
    await page.waitForURL('**/merchant/push?segment=regular')
    expect(await page.getByTestId('offer-segment').inputValue()).toBe('regular')
    await context.close()
  })
})
