import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launch, SCREENSHOTS, startServer, type RunningServer } from './harness.js'

/*
 * The QR first: at 390x844 and 320x568, whatever the lengths of the member's and the merchant's names
 * (1, 39 and 80 characters, with and without spaces, Latin and CJK) and the language, the card's QR
 * decodes from a screenshot of the first screen (zbarimg, from Debian's zbar-tools) and lies wholly
 * inside it, above the bottom navigation; nothing covers it and nothing is wider than the screen.
 */

const VIEWPORTS = [
  { width: 390, height: 844 },
  { width: 320, height: 568 },
]
const latin39 = 'ada.lovelace.analytical.engine@mail.org'
const spaced39 = 'Ada Augusta King Countess of Lovelace II'
const latin80 = 'x'.repeat(40) + 'analyticalengine.differenceengine@example'.slice(0, 40)
const spaced80 = 'Augusta Ada King, Countess of Lovelace, Analyst of the Difference Engine, London'
const cjk39 = '王'.repeat(39)
const cjk80 = '高橋'.repeat(40)
const NAMES: Array<{ label: string; member: string; merchant: string }> = [
  { label: '1', member: 'A', merchant: 'Ö' },
  { label: '39-nospace', member: latin39, merchant: latin39 },
  { label: '39-spaces', member: spaced39, merchant: spaced39 },
  { label: '39-cjk', member: cjk39, merchant: cjk39 },
  { label: '80-nospace', member: latin80, merchant: latin80 },
  { label: '80-spaces', member: spaced80, merchant: spaced80 },
  { label: '80-cjk', member: cjk80, merchant: cjk80 },
]

let server: RunningServer
let browser: Browser
let owner: BrowserContext
const members = new Map<
  string,
  { state: Awaited<ReturnType<BrowserContext['storageState']>>; id: string; number: string }
>()

beforeAll(async () => {
  server = await startServer(['--demo'])
  browser = await launch()
  owner = await browser.newContext({ baseURL: server.url })
  const login = await owner.request.post('/api/staff/login', {
    data: { email: 'owner@demo.test', password: 'demo-owner-pass' },
  })
  expect(login.status()).toBe(200)
  // One member per name, each with a wallet of its own (its session cookie is kept for the card page).
  for (const n of NAMES) {
    const ctx = await browser.newContext({ baseURL: server.url })
    const res = await ctx.request.post('/api/join', { data: { slug: 'demo', name: n.member } })
    expect(res.status()).toBe(201)
    const card = ((await res.json()) as { card: { id: string; cardNumber: string } }).card
    members.set(n.label, { state: await ctx.storageState(), id: card.id, number: card.cardNumber })
    await ctx.close()
  }
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

async function setMerchantName(name: string) {
  const res = await owner.request.put('/api/merchant/branding', {
    data: { name, brandColor: '#7c2d12', accentColor: '#fde68a' },
  })
  expect(res.status()).toBe(200)
}

/** Decodes every QR code in a PNG with zbarimg; [] when there is none. */
function decode(file: string): string[] {
  try {
    return execFileSync('zbarimg', ['--quiet', '--raw', file], { encoding: 'utf8' }).trim().split('\n').filter(Boolean)
  } catch {
    return []
  }
}

async function firstScreen(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  const file = path.join(SCREENSHOTS, `${name}.png`)
  await page.screenshot({ path: file, fullPage: false })
  return file
}

describe('the card screen shows the QR first', () => {
  for (const n of NAMES) {
    it(`names of ${n.label}: the QR decodes and lies fully in the first screen, in English and Polish, at 390x844 and 320x568`, async () => {
      await setMerchantName(n.merchant)
      const m = members.get(n.label)!
      for (const lang of ['en-US', 'pl-PL']) {
        for (const vp of VIEWPORTS) {
          const ctx = await browser.newContext({
            baseURL: server.url,
            viewport: vp,
            deviceScaleFactor: 2,
            isMobile: true,
            hasTouch: true,
            locale: lang,
            storageState: m.state,
          })
          try {
            const page = await ctx.newPage()
            await page.goto(`/cards/${m.id}`)
            await page.getByTestId('card-qr').waitFor()
            await expect.poll(() => page.getByTestId('card-merchant').textContent()).toBe(n.merchant)
            expect(await page.getByTestId('card-member').textContent()).toBe(n.member)
            const file = await firstScreen(page, `qr-first-${n.label}-${lang}-${vp.width}x${vp.height}`)

            const codes = decode(file)
            expect(codes, `a QR in ${file}`).toHaveLength(1)
            expect(codes[0]).toMatch(new RegExp(`^LW1:${m.number}:\\d{6}$`))

            const qr = (await page.getByTestId('card-qr').boundingBox())!
            const navTop = (await page.evaluate(
              "document.querySelector('.bottom-nav')?.getBoundingClientRect().top ?? window.innerHeight",
            )) as number
            expect(qr.x).toBeGreaterThanOrEqual(0)
            expect(qr.y).toBeGreaterThanOrEqual(0)
            expect(qr.x + qr.width).toBeLessThanOrEqual(vp.width)
            expect(qr.y + qr.height).toBeLessThanOrEqual(navTop)
            expect(qr.width).toBeGreaterThanOrEqual(200)
            // The short code is whole on the first screen too, and nothing makes the page wider than it.
            const code = (await page.getByTestId('short-code').boundingBox())!
            expect(code.y + code.height).toBeLessThanOrEqual(navTop)
            expect(code.x + code.width).toBeLessThanOrEqual(vp.width)
            expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(vp.width)
            // Rewards and coupons: one tap, at the top.
            const rewards = (await page.getByTestId('top-coupons-link').boundingBox())!
            expect(rewards.y).toBeLessThan(qr.y)
          } finally {
            await ctx.close()
          }
        }
      }
    }, 120_000)
  }

  it('shows one prompt at a time below the QR, each dismissible, the next taking its place', async () => {
    await setMerchantName('Demo Café')
    const ctx = await browser.newContext({ baseURL: server.url, viewport: VIEWPORTS[1], deviceScaleFactor: 2 })
    try {
      const page = await ctx.newPage()
      // Straight after joining: the welcome, and no other prompt with it.
      await page.goto('/join/demo')
      await page.getByTestId('join-name').fill('Pat')
      await page.getByTestId('join-submit').click()
      await page.waitForURL(/\/cards\//)
      await page.getByTestId('card-qr').waitFor()
      const prompts = page.getByTestId('card-prompts')
      await expect.poll(() => prompts.getAttribute('data-current')).toBe('welcome')
      const visible = async () =>
        (
          await Promise.all(
            ['welcome', 'push-optin', 'keep-safe', 'install-prompt', 'pwa-toast'].map((id) =>
              page.getByTestId(id).isVisible(),
            ),
          )
        ).filter(Boolean).length
      expect(await visible()).toBe(1)
      const qr = (await page.getByTestId('card-qr').boundingBox())!
      const welcome = (await page.getByTestId('welcome').boundingBox())!
      expect(welcome.y).toBeGreaterThan(qr.y + qr.height)
      await page.getByTestId('welcome-dismiss').click()
      // The next one (notifications here) takes its place: still one at a time.
      await expect.poll(() => prompts.getAttribute('data-current')).toBe('push')
      expect(await visible()).toBe(1)
      await page.getByTestId('push-dismiss').click()
      await expect.poll(() => prompts.getAttribute('data-current')).toBe('passkey')
      expect(await visible()).toBe(1)
      await page.getByTestId('keep-safe-dismiss').click()
      await expect.poll(() => prompts.getAttribute('data-current')).toBe('')
      expect(await visible()).toBe(0)
    } finally {
      await ctx.close()
    }
  })
})
