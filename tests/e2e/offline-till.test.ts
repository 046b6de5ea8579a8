import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatShortCode } from '../../server/contract/card-code.js'
import { codeAt } from '../../server/domain/rotating-code.js'
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
 * The scanner keeps working offline: with the network gone the cashier records three awards and a
 * stamp, closes the app, opens it again (still offline: the queue is on the device), and when the
 * network returns all four are sent and recorded exactly once. A code used twice, and a forged one,
 * are refused, and the till shows them as refused with the reason.
 */

interface Member {
  ctx: APIRequestContext
  id: string
  cardNumber: string
  totpSecret: string
}

let server: RunningServer
let browser: Browser
let staff: BrowserContext
const members: Member[] = []

beforeAll(async () => {
  server = await startServer(['--demo'])
  browser = await launch()
  staff = await phoneContext(browser, server.url)
  for (const name of ['Ann Offline', 'Ben Offline', 'Cy Offline', 'Di Offline']) {
    const ctx = (await browser.newContext({ baseURL: server.url })).request
    const res = await ctx.post('/api/join', { data: { slug: 'demo', name } })
    expect(res.status()).toBe(201)
    const card = ((await res.json()) as { card: Omit<Member, 'ctx'> }).card
    members.push({ ctx, id: card.id, cardNumber: card.cardNumber, totpSecret: card.totpSecret })
  }
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

/** The code a member's phone shows now, as the cashier types it. */
const shortCode = (m: Member, at = new Date()) => formatShortCode(m.cardNumber, codeAt(m.totpSecret, at))

async function capture(page: Page, code: string) {
  await page.getByTestId('card-code').fill(code)
  await page.getByTestId('open-card').click()
  await page.getByTestId('offline-capture').waitFor()
}
async function recordAward(page: Page, code: string, amount: string) {
  await capture(page, code)
  expect(await page.getByTestId('points-preview').textContent()).toMatch(/sync/i)
  await page.getByTestId('amount').fill(amount)
  await page.getByTestId('award').click()
  await page.getByTestId('queued-success').waitFor()
  await page.getByTestId('queued-next').click()
}
const items = (page: Page) => page.getByTestId('queue-item')
const states = async (page: Page) => items(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-state')))

async function history(m: Member) {
  const res = await m.ctx.get(`/api/me/cards/${m.id}`)
  return (await res.json()) as { card: { balance: number }; history: Array<{ kind: string; points: number }> }
}

describe('the scanner offline', () => {
  it('queues three awards and a stamp with no network, keeps them when the app is closed, and sends each exactly once when the network returns', async () => {
    let page = await staff.newPage()
    await staffSignIn(page, 'cashier@demo.test', 'demo-cashier-pass')
    // The service worker holds the app before the network goes (as on a till used the day before).
    await page.evaluate('navigator.serviceWorker.ready.then(() => undefined)')
    await page.reload()
    await page.getByTestId('card-code').waitFor()
    expect(await page.evaluate('!!navigator.serviceWorker.controller')).toBe(true)

    const sent: string[] = []
    staff.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/staff/queued-scans') sent.push(r.headers()['idempotency-key'] ?? '')
    })
    await staff.setOffline(true)
    // The service worker's own requests too: nothing reaches the server while "offline".
    await staff.route('**/api/staff/queued-scans', (route) => route.abort('internetdisconnected'))

    const annCode = shortCode(members[0]!)
    await recordAward(page, annCode, '12.50')
    await recordAward(page, shortCode(members[1]!), '4.00')
    await recordAward(page, shortCode(members[2]!), '7.90')
    await capture(page, shortCode(members[3]!))
    await page.getByTestId('queue-stamp').click()
    await page.getByTestId('queued-success').waitFor()
    await page.getByTestId('queued-next').click()
    await expect.poll(() => states(page)).toEqual(['waiting', 'waiting', 'waiting', 'waiting'])
    expect(await page.getByTestId('till-queue').textContent()).toContain('4 scans waiting to sync')
    await screenshot(page, 'offline-till-queued')

    // The app is closed and opened again, still offline: the queue is still there.
    await page.close()
    page = await staff.newPage()
    await page.goto('/staff/scan')
    await page.getByTestId('till-queue').waitFor()
    await expect.poll(() => states(page)).toEqual(['waiting', 'waiting', 'waiting', 'waiting'])

    // A code used a second time, and six digits that were never a code: queued too, refused on sync.
    await recordAward(page, annCode, '3.00')
    const real = codeAt(members[1]!.totpSecret, new Date())
    const forged = String((Number(real) + 500_000) % 1_000_000).padStart(6, '0')
    await recordAward(page, formatShortCode(members[1]!.cardNumber, forged), '9.99')
    expect(await items(page).count()).toBe(6)
    await expectNoAxeViolations(page)

    // The network returns.
    await staff.unroute('**/api/staff/queued-scans')
    await staff.setOffline(false)
    await expect.poll(() => states(page), { timeout: 30_000 }).not.toContain('waiting')
    const outcomes = await page.getByTestId('queue-outcome').allTextContents()
    expect(await states(page)).toEqual(['synced', 'synced', 'synced', 'synced', 'refused', 'refused'])
    expect(outcomes[0]).toContain('Ann Offline')
    expect(outcomes[3]).toMatch(/stamp for Di Offline, 1 of 8/)
    expect(outcomes[4]).toMatch(/Refused: .*already used/)
    expect(outcomes[5]).toMatch(/Refused: .*isn't valid/)
    await screenshot(page, 'offline-till-synced')

    // Exactly once: each award is one entry however often it was sent (page, service worker, retries).
    const earns = await Promise.all(
      members.map(async (m) => (await history(m)).history.filter((e) => e.kind === 'earn')),
    )
    expect(earns.map((e) => e.length)).toEqual([1, 1, 1, 0])
    // The demo's rules: a point per euro plus one per visit (doubled on Tuesday afternoons), at least that.
    expect(earns.slice(0, 3).map((e) => e[0]!.points >= 1)).toEqual([true, true, true])
    const keys = new Set(sent.filter(Boolean))
    expect(keys.size).toBe(6)
    // The member sees the award as soon as it synced.
    expect((await history(members[0]!)).card.balance).toBe(10 + earns[0]![0]!.points)
    await page.getByTestId('queue-clear').click()
    await expect.poll(() => items(page).count()).toBe(0)
  }, 120_000)
})
