import type { Browser, BrowserContext, Page } from 'playwright-core'
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

/** "1,234 points" -> 1234 (digits only: thousands separators differ per locale). */
function pointsIn(text: string | null): number {
  const digits = (text ?? '').replace(/[^\d]/g, '')
  if (!digits) throw new Error(`no number in ${JSON.stringify(text)}`)
  return Number(digits)
}

describe('the core loop in Chromium at 390x844', () => {
  let server: RunningServer
  let browser: Browser
  let customer: BrowserContext
  let staff: BrowserContext
  let card: Page

  beforeAll(async () => {
    server = await startServer(['--demo'])
    browser = await launch()
    customer = await phoneContext(browser, server.url)
    staff = await phoneContext(browser, server.url)
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('a new member opens the signup link, joins, and sees the card with a QR and a short code', async () => {
    card = await customer.newPage()
    await card.goto('/join/demo')
    await expect.poll(() => card.getByTestId('join-hero').textContent()).toContain('Demo Café')
    // Marketing consent is opt-in: never ticked for the member.
    expect(await card.getByTestId('join-consent').isChecked()).toBe(false)
    await expectNoAxeViolations(card)
    await screenshot(card, 'core-join')
    // The join button is whole on the first screen of a phone, and nothing lies over it (no bottom nav here).
    const submit = (await card.getByTestId('join-submit').boundingBox())!
    expect(submit.y + submit.height).toBeLessThanOrEqual(card.viewportSize()!.height)
    const covered = await card.evaluate(
      (el) => {
        const r = el!.getBoundingClientRect()
        return el!.ownerDocument.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) !== el
      },
      await card.getByTestId('join-submit').elementHandle(),
    )
    expect(covered).toBe(false)

    await card.getByTestId('join-name').fill('Ada Lovelace')
    await card.getByTestId('join-submit').click()
    await card.waitForURL(/\/cards\/[^/]+$/)
    await card.getByTestId('card-qr').waitFor()
    expect(await card.getByTestId('card').textContent()).toContain('Demo Café')
    expect(await card.locator('[data-testid="card-qr"] path').count()).toBeGreaterThan(0)
    expect(await card.getByTestId('short-code').textContent()).toMatch(/^[A-Z0-9]{4} [A-Z0-9]{4} · \d{3} \d{3}$/)
    await expectNoAxeViolations(card)
    await screenshot(card, 'core-card')
  })

  it('a cashier signs in, types the code, awards points for a purchase, and the card shows the new balance', async () => {
    const before = pointsIn(await card.getByTestId('card-balance').textContent())
    const shortCode = (await card.getByTestId('short-code').textContent())!

    const till = await staff.newPage()
    await till.goto('/staff/login')
    await expectNoAxeViolations(till)
    await till.getByTestId('staff-email').fill('cashier@demo.test')
    await till.getByTestId('staff-password').fill('demo-cashier-pass')
    await till.getByTestId('staff-login-submit').click()
    await till.waitForURL(/\/staff\/scan/)
    await till.getByTestId('card-code').fill(shortCode)
    await till.getByTestId('open-card').click()
    await till.getByTestId('scan-result').waitFor()
    expect(await till.getByTestId('member-name').textContent()).toBe('Ada Lovelace')
    // Only owners and managers may adjust by hand.
    expect(await till.getByTestId('adjust').count()).toBe(0)
    await expectNoAxeViolations(till)

    await till.getByTestId('amount').fill('12.50')
    // 2.50 of it was paid with a reward: that part earns nothing.
    await till.getByTestId('discount').fill('2.50')
    const awarded = till.waitForResponse((r) => r.url().includes('/api/staff/earn') && r.request().method() === 'POST')
    await till.getByTestId('award').click()
    const res = await awarded
    expect(res.status()).toBe(201)
    const { balance, entry } = (await res.json()) as { balance: number; entry: { points: number; reason: string } }
    expect(entry.points).toBeGreaterThan(0)
    expect(entry.reason).toContain('2.50 EUR paid with a reward')
    expect(balance).toBe(before + entry.points)
    await till.getByTestId('award-success').waitFor()
    await screenshot(till, 'core-scanner-awarded')

    // The same code cannot open the card a second time.
    await till.getByTestId('next-customer').click()
    await till.getByTestId('card-code').fill(shortCode)
    await till.getByTestId('open-card').click()
    await expect.poll(() => till.getByTestId('scan-error').textContent()).toMatch(/already|used/i)

    await card.reload()
    await expect.poll(async () => pointsIn(await card.getByTestId('card-balance').textContent())).toBe(balance)
    await card.getByTestId('history-link').click()
    await card.getByTestId('ledger-entry').first().waitFor()
    expect(await card.getByTestId('ledger-entry').first().textContent()).toContain('12.50')
    await expectNoAxeViolations(card)
    await card.goBack()
  })

  it('the till retries an award after a network failure with the same Idempotency-Key; the next award and the undo get new keys', async () => {
    const member = await phoneContext(browser, server.url)
    const cashier = await phoneContext(browser, server.url)
    try {
      const wallet = await member.newPage()
      await wallet.goto('/join/demo')
      await wallet.getByTestId('join-name').fill('Grace Hopper')
      await wallet.getByTestId('join-submit').click()
      await wallet.waitForURL(/\/cards\/[^/]+$/)
      const shortCode = (await wallet.getByTestId('short-code').textContent())!

      const till = await cashier.newPage()
      await staffSignIn(till, 'cashier@demo.test', 'demo-cashier-pass')
      await till.getByTestId('card-code').fill(shortCode)
      await till.getByTestId('open-card').click()
      await till.getByTestId('scan-result').waitFor()

      const sent: Array<{ path: string; key: string | undefined }> = []
      till.on('request', (r) => {
        const path = new URL(r.url()).pathname
        if (path === '/api/staff/earn' || path === '/api/staff/undo')
          sent.push({ path, key: r.headers()['idempotency-key'] })
      })
      const answer = (path: string) =>
        till.waitForResponse((r) => new URL(r.url()).pathname === path && r.request().method() === 'POST')

      // The first try never reaches the server.
      await till.route('**/api/staff/earn', (route) => route.abort('internetdisconnected'), { times: 1 })
      await till.getByTestId('amount').fill('4.00')
      await till.getByTestId('award').click()
      const firstAnswer = answer('/api/staff/earn')
      await till.getByTestId('retry-action').click()
      const first = await firstAnswer
      expect(first.status()).toBe(201)
      await till.getByTestId('award-success').waitFor()

      // The same amount again is another purchase: a new key, a new entry.
      await till.getByTestId('amount').fill('4.00')
      const secondAnswer = answer('/api/staff/earn')
      await till.getByTestId('award').click()
      const second = await secondAnswer
      expect(second.status()).toBe(201)
      const firstEntry = ((await first.json()) as { entry: { id: string } }).entry.id
      expect(((await second.json()) as { entry: { id: string } }).entry.id).not.toBe(firstEntry)

      const undoAnswer = answer('/api/staff/undo')
      await till.getByTestId('undo').click()
      expect((await undoAnswer).status()).toBe(201)
      await expect.poll(() => till.getByTestId('award-success').textContent()).toContain('Undone')

      expect(sent.map((s) => s.path)).toEqual([
        '/api/staff/earn',
        '/api/staff/earn',
        '/api/staff/earn',
        '/api/staff/undo',
      ])
      const [tried, retried, next, undo] = sent.map((s) => s.key)
      expect(tried).toMatch(/^[0-9a-f-]{36}$/)
      expect(retried).toBe(tried)
      expect(new Set([tried, next, undo]).size).toBe(3)
    } finally {
      await member.close()
      await cashier.close()
    }
  })

  it('offline, a reload still shows the card with its last balance and a QR code', async () => {
    await card.getByTestId('card-qr').waitFor()
    const balance = pointsIn(await card.getByTestId('card-balance').textContent())
    // The service worker must be active and holding the app shell before the network goes away.
    expect(await card.evaluate('navigator.serviceWorker.ready.then((r) => !!r.active)')).toBe(true)
    await customer.setOffline(true)
    try {
      await card.reload()
      await card.getByTestId('card-qr').waitFor()
      expect(pointsIn(await card.getByTestId('card-balance').textContent())).toBe(balance)
      expect(await card.getByTestId('short-code').textContent()).toMatch(/\d{3} \d{3}$/)
      expect(await card.getByTestId('card-updated').textContent()).toMatch(/\d/)
      await screenshot(card, 'core-card-offline')
    } finally {
      await customer.setOffline(false)
    }
  })

  it('rotates the code on the device when the 30-second step changes', async () => {
    const ctx = await phoneContext(browser, server.url)
    try {
      const state = await customer.storageState()
      await ctx.addCookies(state.cookies)
      const page = await ctx.newPage()
      await page.clock.install({ time: new Date('2026-11-24T10:00:05Z') })
      const url = card.url()
      await page.goto(url)
      await page.getByTestId('short-code').waitFor()
      const first = await page.getByTestId('short-code').textContent()
      await page.clock.fastForward(30_000)
      await expect.poll(() => page.getByTestId('short-code').textContent()).not.toBe(first)
      // The card number part stays; only the six digits move.
      const second = (await page.getByTestId('short-code').textContent())!
      expect(second.slice(0, 9)).toBe(first!.slice(0, 9))
    } finally {
      await ctx.close()
    }
  })
})
