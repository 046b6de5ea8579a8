import sharp from 'sharp'
import type { Locator, Page } from 'playwright-core'
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

/* The test project is compiled without the DOM library, so browser globals are typed by hand here. */
type Win = { getComputedStyle(el: unknown): Record<string, string> }
const naturalWidth = (page: Page, selector: string) =>
  page.locator(selector).evaluate((img) => {
    const i = img as unknown as { complete: boolean; naturalWidth: number }
    return i.complete ? i.naturalWidth : 0
  })
const css = (loc: Locator, prop: 'backgroundColor' | 'color') =>
  loc.evaluate((el, p) => (globalThis as unknown as Win).getComputedStyle(el)[p]!, prop)

describe('merchant console admin', () => {
  it('owner changes the brand colour, uploads a logo and opens a printable poster', async () => {
    const context = await phoneContext(e2e.browser, e2e.server.url)
    const page = await context.newPage()
    await staffSignIn(page, 'owner@demo.test', 'demo-owner-pass')

    // Branding: the preview follows the colour as it is typed, and the text stays readable.
    await page.getByTestId('nav-branding').click()
    await page.waitForURL('**/merchant/branding')
    const hex = page.getByTestId('branding-brand')
    await hex.fill('#0b6e4f')
    const tile = page.getByTestId('branding-preview').getByTestId('wallet-card')
    await expect.poll(() => css(tile, 'backgroundColor')).toBe('rgb(11, 110, 79)')
    expect(await css(tile, 'color')).toBe('rgb(255, 255, 255)')
    await expect.poll(() => page.getByTestId('contrast').textContent()).toMatch(/\d+([.,]\d)?:1/)
    const saved = page.waitForResponse(
      (r) => r.url().endsWith('/api/merchant/branding') && r.request().method() === 'PUT',
    )
    await page.getByTestId('branding-save').click()
    expect((await saved).status()).toBe(200)

    // Logo: a non-square PNG goes up, comes back resized, and shows in the preview.
    const logo = await sharp({
      create: { width: 640, height: 400, channels: 4, background: { r: 250, g: 200, b: 40, alpha: 1 } },
    })
      .composite([
        {
          input: Buffer.from('<svg width="640" height="400"><circle cx="320" cy="200" r="150" fill="#7a1f5c"/></svg>'),
        },
      ])
      .png()
      .toBuffer()
    const uploaded = page.waitForResponse((r) => r.url().endsWith('/api/merchant/branding/logo'))
    await page.getByTestId('logo-input').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: logo })
    expect((await uploaded).status()).toBe(200)
    const previewLogo = '[data-testid="branding-preview"] img'
    await expect.poll(() => naturalWidth(page, previewLogo)).toBe(256)
    expect(await naturalWidth(page, '[data-testid="branding-logo"]')).toBe(256)
    await page.evaluate('document.fonts.ready')
    await expectNotBlank(await screenshot(page, 'console-branding'))
    await expectNoAxeViolations(page)

    // The staff header picked up the new colour without a reload.
    expect(await css(page.locator('.staff-header'), 'backgroundColor')).toBe('rgb(11, 110, 79)')

    // Poster of the main signup link: logo, name, colours, a big QR and the downloads.
    await page.getByTestId('nav-links').click()
    await page.getByTestId('poster-link').first().click()
    await page.waitForURL('**/merchant/signup-links/*/poster')
    const qr = page.getByTestId('poster-qr').locator('svg[role="img"]')
    await qr.waitFor()
    expect((await qr.boundingBox())!.width).toBeGreaterThan(200)
    await expect.poll(() => naturalWidth(page, '[data-testid="poster-logo"]')).toBe(256)
    expect(await css(page.locator('.band'), 'backgroundColor')).toBe('rgb(11, 110, 79)')
    await expectNotBlank(await screenshot(page, 'console-poster-a4'))
    await expectNoAxeViolations(page)
    // The print stylesheet sets the paper: A4 by default, A5 when chosen (a constructed sheet: CSP).
    const pageRule = () =>
      page.evaluate(
        `document.adoptedStyleSheets.flatMap((s) => [...s.cssRules].map((r) => r.cssText)).find((t) => t.includes('@page'))`,
      ) as Promise<string>
    expect(await pageRule()).toMatch(/size: a4( portrait)?;/i)
    await page.getByTestId('poster-size-A5').check({ force: true })
    await expect.poll(pageRule).toMatch(/size: a5( portrait)?;/i)
    await page.emulateMedia({ media: 'print' })
    expect(await page.getByTestId('poster-print').isVisible()).toBe(false)
    await page.emulateMedia({ media: 'screen' })

    for (const [id, type] of [
      ['qr-png', 'image/png'],
      ['qr-svg', 'image/svg+xml'],
    ] as const) {
      const href = await page.getByTestId(id).getAttribute('href')
      const res = await page.request.get(href!)
      expect(res.status()).toBe(200)
      expect(res.headers()['content-type']).toBe(type)
    }
    await context.close()
  })

  it('owner invites a cashier who sets a password from the link, then deactivates them', async () => {
    const ownerCtx = await phoneContext(e2e.browser, e2e.server.url)
    const owner = await ownerCtx.newPage()
    await staffSignIn(owner, 'owner@demo.test', 'demo-owner-pass')
    await owner.getByTestId('nav-staff').click()
    await owner.getByTestId('invite-name').fill('Nina New')
    await owner.getByTestId('invite-email').fill('nina@demo.test')
    await owner.getByTestId('invite-submit').click()
    const inviteUrl = (await owner.getByTestId('invite-url').textContent())!.trim()
    expect(inviteUrl).toContain('/staff/invite?token=')
    await expectNoAxeViolations(owner)

    const ninaCtx = await phoneContext(e2e.browser, e2e.server.url)
    const nina = await ninaCtx.newPage()
    await nina.goto(inviteUrl)
    await nina.getByTestId('invite-password').fill('nina-long-password')
    await expectNoAxeViolations(nina)
    await nina.getByTestId('invite-accept').click()
    await nina.waitForURL('**/staff/scan')
    // A cashier's console: scan and customers, no admin screens.
    expect(await nina.getByTestId('nav-customers').isVisible()).toBe(true)
    expect(await nina.getByTestId('nav-branding').count()).toBe(0)

    await owner.reload()
    const row = owner.getByTestId('staff-row').filter({ hasText: 'nina@demo.test' })
    await row.getByTestId('staff-deactivate').click()
    const done = owner.waitForResponse((r) => r.request().method() === 'PATCH')
    await row.getByTestId('staff-deactivate-confirm').click()
    expect((await done).status()).toBe(200)
    await expect.poll(() => row.textContent()).toContain('Deactivated')

    // Her session ended: the next screen sends her to sign in, and signing in fails.
    await nina.goto('/merchant/customers')
    await nina.waitForURL('**/staff/login**')
    await nina.getByTestId('staff-email').fill('nina@demo.test')
    await nina.getByTestId('staff-password').fill('nina-long-password')
    await nina.getByTestId('staff-login-submit').click()
    await nina.getByRole('alert').waitFor()
    expect(nina.url()).toContain('/staff/login')
    await ninaCtx.close()
    await ownerCtx.close()
  })
})
