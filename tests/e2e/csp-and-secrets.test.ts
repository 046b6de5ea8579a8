import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatShortCode } from '../../server/contract/card-code.js'
import { codeAt } from '../../server/domain/rotating-code.js'
import { DEMO_STAFF } from '../../server/seed/demo.js'
import { cspViolations, launch, phoneContext, staffSignIn, startServer, type RunningServer } from './harness.js'

/**
 * Every screen under the Content-Security-Policy (harness.ts fails any test on a violation report),
 * and the card's code secret out of reach of page script: a non-extractable key in IndexedDB,
 * nothing in localStorage, the QR still drawn offline.
 */
let server: RunningServer
let browser: Browser
let member: BrowserContext
let card: Page
let secret = ''
let cardNumber = ''

beforeAll(async () => {
  server = await startServer(['--demo'])
  // A fake camera, so the scanner's decoder (a worker from a blob: URL) starts under the policy too.
  browser = await launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'])
  member = await phoneContext(browser, server.url)
})
afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

/** Opens a screen and waits until its requests are done, so anything it loads meets the policy. */
async function visit(page: Page, path: string): Promise<void> {
  await page.goto(path, { waitUntil: 'networkidle' })
  await page.locator('main, #app > *').first().waitFor()
}

const storedText = (page: Page): Promise<string> =>
  page.evaluate(
    `JSON.stringify(Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)])))`,
  )

/** What page script can get from the card's stored key: its shape, and whether exportKey gives it up. */
const keyAsScriptSeesIt = (page: Page) =>
  page.evaluate(`new Promise((resolve) => {
    const open = indexedDB.open('lw-card-keys')
    open.onsuccess = () => {
      const get = open.result.transaction('keys').objectStore('keys').getAll()
      get.onsuccess = async () => {
        const keys = get.result
        const exported = await Promise.all(keys.map((k) => crypto.subtle.exportKey('raw', k).then(() => 'exported', (e) => e.name)))
        resolve({ count: keys.length, extractable: keys.map((k) => k.extractable), algorithm: keys.map((k) => k.algorithm.name), exported })
      }
    }
  })`)

describe('the Content-Security-Policy', () => {
  it('is sent with every page, asset and API answer, with the Permissions-Policy', async () => {
    for (const path of ['/', '/cards/x', '/api/health', '/manifest.webmanifest', '/sw.js']) {
      const res = await fetch(server.url + path)
      expect(res.headers.get('content-security-policy'), path).toContain("script-src 'self'")
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'")
      expect(res.headers.get('permissions-policy'), path).toContain('camera=(self)')
    }
  })

  it('is watched: an inline script is refused and reported', async () => {
    const page = await member.newPage()
    await visit(page, '/signin')
    await page.evaluate(`(() => {
      const s = document.createElement('script')
      s.textContent = 'window.injected = true'
      document.body.append(s)
    })()`)
    await expect.poll(() => cspViolations.length).toBeGreaterThan(0)
    expect(await page.evaluate('window.injected === true')).toBe(false)
    expect(cspViolations.splice(0).join('\n')).toContain('script-src')
    await page.close()
  })

  it('holds on the member screens: join, card, history, coupons, settings, sign-in', async () => {
    card = await member.newPage()
    await visit(card, '/join/demo')
    await card.getByTestId('join-name').fill('Ada Lovelace')
    const joined = card.waitForResponse((r) => r.url().endsWith('/api/join') && r.request().method() === 'POST')
    await card.getByTestId('join-submit').click()
    const body = (await (await joined).json()) as { card: { id: string; totpSecret: string; cardNumber: string } }
    secret = body.card.totpSecret
    cardNumber = body.card.cardNumber
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/)
    await card.waitForURL(/\/cards\/[^/]+$/)
    await card.getByTestId('card-qr').waitFor()
    const id = body.card.id
    for (const path of [`/cards/${id}/history`, `/cards/${id}/coupons`, '/settings', '/', '/signin', '/signin/email']) {
      await visit(card, path)
    }
    await visit(card, `/cards/${id}`)
    await card.getByTestId('card-qr').waitFor()
  })
})

describe("the card's code secret", () => {
  it('is a non-extractable key in IndexedDB: not in localStorage, the page or the store', async () => {
    expect(await storedText(card)).not.toContain(secret)
    expect(await card.content()).not.toContain(secret)
    expect(await keyAsScriptSeesIt(card)).toEqual({
      count: 1,
      extractable: [false],
      algorithm: ['HMAC'],
      exported: ['InvalidAccessError'],
    })
  })

  it('still draws the code the server expects, offline after a reload', async () => {
    await card.evaluate('navigator.serviceWorker.ready')
    await member.setOffline(true)
    await card.reload()
    await card.getByTestId('card-qr').waitFor()
    const shown = await card.getByTestId('short-code').textContent()
    const now = Date.now()
    const expected = [now - 30_000, now, now + 30_000].map((t) =>
      formatShortCode(cardNumber, codeAt(secret, new Date(t))),
    )
    expect(expected).toContain(shown?.trim())
    await member.setOffline(false)
  })

  it('saved by an older version in localStorage, becomes a key and leaves localStorage', async () => {
    const saved = JSON.parse((JSON.parse(await storedText(card)) as Record<string, string>)['lw.wallet.v1']!) as {
      cards: Array<{ id: string; totpSecret: string }>
    }
    saved.cards[0]!.totpSecret = secret
    // A device of its own, with the old way's data and no network to the API (no session either).
    const old = await phoneContext(browser, server.url)
    await old.route('**/api/**', (route) => route.abort())
    const page = await old.newPage()
    await page.goto('/signin')
    await page.evaluate(`localStorage.setItem('lw.wallet.v1', ${JSON.stringify(JSON.stringify(saved))})`)
    await page.goto(`/cards/${saved.cards[0]!.id}`)
    await page.getByTestId('card-qr').waitFor()
    await expect.poll(() => storedText(page)).not.toContain(secret)
    expect(await keyAsScriptSeesIt(page)).toMatchObject({ count: 1, extractable: [false] })
    await old.close()
  })
})

describe('the console under the policy', () => {
  it('holds on the scanner with the camera on, and on every console screen', async () => {
    const staff = await browser.newContext({ baseURL: server.url, viewport: { width: 390, height: 844 } })
    await staff.grantPermissions(['camera'])
    const page = await staff.newPage()
    const owner = DEMO_STAFF[0]
    await staffSignIn(page, owner.email, owner.password)
    await page.getByTestId('start-camera').click()
    await expect.poll(() => page.evaluate(`document.querySelector('video')?.srcObject ? 'on' : 'off'`)).toBe('on')
    // Frames go through the decoder: qr-scanner's worker (from a blob: URL) where there is no BarcodeDetector.
    if (await page.evaluate(`typeof BarcodeDetector === 'undefined'`)) {
      await expect.poll(() => page.workers().length).toBeGreaterThan(0)
    }

    await visit(page, '/merchant')
    const screens = await page
      .locator('a[data-testid^="home-nav-"]')
      .evaluateAll((links) => links.map((a) => new URL(a.getAttribute('href')!, 'http://x').pathname))
    expect(screens.length).toBeGreaterThanOrEqual(15)
    for (const path of screens) await visit(page, path)

    await visit(page, '/merchant/customers')
    await page.getByTestId('customer-row').first().click()
    await page.waitForURL(/\/merchant\/customers\/[^/]+$/)
    await page.waitForLoadState('networkidle')
    await visit(page, '/merchant/feedback/figures')
    await visit(page, '/merchant/signup-links')
    await page.getByTestId('poster-link').first().click()
    await page.waitForURL(/\/poster$/)
    await page.waitForLoadState('networkidle')
    await staff.close()
  })
})
