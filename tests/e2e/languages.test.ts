import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  expectNoAxeViolations,
  launch,
  phoneContext,
  screenshot,
  staffSignIn,
  startServer,
  type RunningServer,
} from './harness.js'

/*
 * Issue 20: each of the five languages, chosen by the browser's own language, on the member's join,
 * card, history and coupons and on the scanner and the console home, at 390x844: <html lang>, axe,
 * nothing clipped or wider than the screen, and a screenshot per screen (test-results/screenshots).
 * The card and the till's scanner, the screens read at the counter, are checked again on the smallest
 * phone we support, 320x568.
 * One server and one browser for all of it; a context per language.
 */
const LANGUAGES = [
  { browser: 'en-US', locale: 'en', join: 'Get my card' },
  { browser: 'pl-PL', locale: 'pl', join: 'Odbierz kartę' },
  { browser: 'ro-RO', locale: 'ro', join: 'Vreau cardul' },
  { browser: 'hu-HU', locale: 'hu', join: 'Kérem a kártyám' },
  { browser: 'zh-TW', locale: 'zh-Hant', join: '領取我的會員卡' },
] as const

/**
 * Text that does not fit: the page wider than the phone, or an element whose content overflows a box
 * that hides or ellipsizes it. Returns what overflows, to read in the failure.
 */
async function clipped(page: Page): Promise<string[]> {
  // A string, run in the page: the test's types know no DOM.
  return page.evaluate(`(() => {
    const out = []
    const doc = document.documentElement
    if (doc.scrollWidth > window.innerWidth + 1) out.push('page is ' + doc.scrollWidth + 'px wide')
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      if (!el.textContent?.trim() || el.closest('svg, canvas, [aria-hidden="true"], .visually-hidden')) continue
      // Hidden on purpose for screen readers only (a 1px box), like .visually-hidden but from a media query.
      if (el.clientWidth <= 1 && el.clientHeight <= 1) continue
      const s = getComputedStyle(el)
      const hides = /hidden|clip/.test(s.overflowX) || s.textOverflow === 'ellipsis'
      if (hides && el.scrollWidth > el.clientWidth + 1 && el.children.length === 0)
        out.push(el.tagName.toLowerCase() + '.' + el.className + ': "' + el.textContent.trim().slice(0, 40) + '"')
    }
    return out
  })()`)
}

async function check(page: Page, locale: string, name: string) {
  expect(await page.evaluate<string>('document.documentElement.lang')).toBe(locale)
  expect(await clipped(page), `${name} in ${locale}`).toEqual([])
  await expectNoAxeViolations(page)
  await screenshot(page, `lang-${locale}-${name}`)
}

const SMALL_PHONE = { width: 320, height: 568 }
/** The check at 390x844, then again at 320x568 (screenshot `…-320x568`), and back. */
async function checkAlsoSmall(page: Page, locale: string, name: string) {
  await check(page, locale, name)
  const usual = page.viewportSize()!
  await page.setViewportSize(SMALL_PHONE)
  await check(page, locale, `${name}-320x568`)
  await page.setViewportSize(usual)
}

describe('five languages in Chromium at 390x844 (card and scanner also at 320x568)', () => {
  let server: RunningServer
  let browser: Browser
  beforeAll(async () => {
    server = await startServer(['--demo'])
    browser = await launch()
  }, 90_000)
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it.each(LANGUAGES)(
    '$locale: join, card, history, coupons, scanner and console home; card and scanner at 320x568 too',
    async ({ browser: tag, locale, join }) => {
      const member = await phoneContext(browser, server.url, tag)
      const page = await member.newPage()
      await page.goto('/join/demo')
      await page.getByTestId('join-name').waitFor()
      expect(await page.getByTestId('join-submit').textContent()).toContain(join)
      await check(page, locale, 'join')

      await page.getByTestId('join-name').fill('Zoë Ng')
      await page.getByTestId('join-submit').click()
      await page.waitForURL(/\/cards\/[^/]+$/)
      await page.getByTestId('card-qr').waitFor()
      await checkAlsoSmall(page, locale, 'card')
      const shortCode = (await page.getByTestId('short-code').textContent())!

      // A cashier's award in the staff's own language; the member reads its reason in theirs.
      const staff = await phoneContext(browser, server.url, tag)
      const till = await staff.newPage()
      await staffSignIn(till, 'owner@demo.test', 'demo-owner-pass')
      await till.getByTestId('card-code').fill(shortCode)
      await till.getByTestId('open-card').click()
      await till.getByTestId('scan-result').waitFor()
      await checkAlsoSmall(till, locale, 'scanner')
      await till.getByTestId('amount').fill('12.50')
      await till.getByTestId('award').click()
      await till.getByTestId('award-success').waitFor()

      await till.goto('/merchant')
      await till.getByRole('heading', { level: 1 }).waitFor()
      await check(till, locale, 'console-home')

      const cardUrl = page.url()
      await page.goto(`${new URL(cardUrl).pathname}/history`)
      await page.getByTestId('ledger-entry').first().waitFor()
      const reason = await page.getByTestId('ledger-entry').first().locator('.what').textContent()
      const expected = { en: 'Purchase of', pl: 'Zakup za', ro: 'Cumpărătură de', hu: 'Vásárlás:', 'zh-Hant': '消費' }
      expect(reason).toContain(expected[locale])
      await check(page, locale, 'history')

      await page.goto(`${new URL(cardUrl).pathname}/coupons`)
      await page.getByTestId('perks-balance').waitFor()
      await check(page, locale, 'coupons')
      await member.close()
      await staff.close()
    },
    120_000,
  )

  it('<html lang> follows the choice in Settings and in the staff picker', async () => {
    const ctx = await phoneContext(browser, server.url, 'zh-CN')
    const page = await ctx.newPage()
    // Simplified Chinese is not ours: English.
    await page.goto('/settings')
    await page.getByTestId('locale-hu').waitFor()
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('en')
    await page.getByTestId('locale-hu').check()
    await expect.poll(() => page.evaluate<string>('document.documentElement.lang')).toBe('hu')
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Beállítások')

    await page.goto('/staff/login')
    await page.getByTestId('language-picker').waitFor()
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('hu')
    await page.getByTestId('language-picker').selectOption('zh-Hant')
    await expect.poll(() => page.evaluate<string>('document.documentElement.lang')).toBe('zh-Hant')
    await ctx.close()
  })
})
