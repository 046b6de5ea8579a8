import path from 'node:path'
import Database from 'better-sqlite3'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPushService } from '../helpers/push-service.js'
import { expectNoAxeViolations, launch, phoneContext, screenshot, startServer, type RunningServer } from './harness.js'

/*
 * Headless Chromium has no push service, so pushManager.subscribe() fails there ("Push API not
 * supported in incognito"). The test therefore checks the opt-in flow honestly as far as the
 * browser goes (our explanation, the permission asked on the click, the 'failed' outcome shown),
 * registers a web-push-testing subscription for this wallet through the same API call the flow
 * makes, lets the real server send a real encrypted push to it, and hands the decrypted payload
 * to our service worker through the DevTools protocol (ServiceWorker.deliverPushMessage).
 */
// Browser globals used inside page.evaluate callbacks (this file compiles with Node's types only).
declare const navigator: any
declare const Notification: any

// The machine running the tests may be busy: give the browser time before a poll gives up.
// Generous: when the api tests run beside this file, starting the service worker for a push can take seconds.
const POLL = { timeout: 30_000 }

let server: RunningServer
let browser: Browser
let service: Awaited<ReturnType<typeof startPushService>>
beforeAll(async () => {
  ;[server, browser, service] = await Promise.all([startServer(), launch(), startPushService()])
})
afterAll(async () => {
  await browser?.close()
  await server?.stop()
  await service?.close()
})

async function swRegistrationId(context: BrowserContext, page: Page): Promise<string> {
  const cdp = await context.newCDPSession(page)
  const ids: string[] = []
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
    for (const r of e.registrations) if (!r.isDeleted) ids.push(r.registrationId)
  })
  await cdp.send('ServiceWorker.enable')
  for (let i = 0; i < 150 && !ids.length; i++) await page.waitForTimeout(100)
  expect(ids.length).toBeGreaterThan(0)
  ;(page as Page & { __cdp?: typeof cdp }).__cdp = cdp
  return ids[0]!
}

describe('push in Chromium', () => {
  it('opts in from the card, shows a pushed notification from the service worker, and its click opens the card', async () => {
    const context = await phoneContext(browser, server.url)
    await context.grantPermissions(['notifications'], { origin: server.url })
    const page = await context.newPage()
    await page.goto('/join/demo')
    const card = await page.evaluate(async () => {
      const r = await fetch('/api/join', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ slug: 'demo', name: 'Ada Lovelace', marketingConsent: true }),
      })
      return ((await r.json()) as { card: { id: string; cardNumber: string } }).card
    })
    await page.goto(`/cards/${card.id}`)
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
    await page.reload() // now the service worker controls the page
    expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true)

    // Our explanation first; nothing asked on load.
    const optIn = page.getByTestId('push-optin')
    await optIn.waitFor()
    await expect.poll(() => optIn.getAttribute('data-state'), POLL).toBe('off')
    expect(await optIn.textContent()).toContain('Demo Café can tell you when you earn points')
    await expectNoAxeViolations(page)

    await page.getByTestId('push-enable').click()
    await expect.poll(() => optIn.getAttribute('data-state'), { timeout: 20_000 }).not.toMatch(/off|working/)
    const outcome = await optIn.getAttribute('data-state')
    expect(await page.evaluate(() => Notification.permission)).toBe('granted')
    if (outcome === 'failed') {
      // Headless Chromium: no push service; the member is told, with a retry.
      expect(await page.getByTestId('push-outcome').textContent()).toContain("couldn't turn on notifications")
      expect(await page.getByTestId('push-enable').textContent()).toContain('Try again')
    } else {
      expect(outcome).toBe('subscribed')
    }
    await screenshot(page, 'push-card-optin')

    // The subscription the flow registers, pointing at the mock push service.
    const { publicKey } = (await page.evaluate(() => fetch('/api/push/public-key').then((r) => r.json()))) as {
      publicKey: string
    }
    const sub = await service.subscribe(publicKey)
    const status = await page.evaluate(
      (body) =>
        fetch('/api/me/push/subscriptions', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then((r) => r.status),
      { endpoint: sub.endpoint, keys: sub.keys },
    )
    expect(status).toBe(201)

    // An award at the till (POS API) makes the server push "you earned" for real.
    const posKey = /POS API key \(demo\): (\S+)/.exec(server.output())![1]!
    const earn = await fetch(`${server.url}/api/pos/v1/earn`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${posKey}`,
        'idempotency-key': `e2e-push-${card.id}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ cardNumber: card.cardNumber, amountMinor: 1250 }),
    })
    expect(earn.status).toBe(201)
    // Exactly one "you earned" arrives. The server's automations also run on their own schedule (once
    // 5 s after start): a welcome push may come too, depending on when the member subscribed.
    let earned: string[] = []
    await expect
      .poll(
        async () =>
          (earned = (await service.messages(sub.clientHash)).filter((m) => JSON.parse(m).kind === 'earned')).length,
        { timeout: 15_000 },
      )
      .toBe(1)
    const payload = JSON.parse(earned[0]!)
    expect(payload).toMatchObject({
      merchantName: 'Demo Café',
      kind: 'earned',
      url: `/cards/${card.id}`,
      tag: 'demo:earned',
    })

    // Go elsewhere, then deliver the decrypted push to our service worker.
    await page.goto('/settings')
    const registrationId = await swRegistrationId(context, page)
    const cdp = (page as Page & { __cdp?: Awaited<ReturnType<BrowserContext['newCDPSession']>> }).__cdp!
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: server.url, registrationId, data: earned[0]! })
    const shown = async () =>
      page.evaluate(async () => {
        const reg = await navigator.serviceWorker.ready
        return (
          (await reg.getNotifications()) as Array<{ title: string; body: string; tag: string; data: unknown }>
        ).map((n) => ({
          title: n.title,
          body: n.body,
          tag: n.tag,
          data: n.data,
        }))
      })
    await expect.poll(async () => (await shown()).length, POLL).toBe(1)
    const [n] = await shown()
    expect(n).toMatchObject({
      title: 'Demo Café',
      tag: 'demo:earned',
      data: { url: `/cards/${card.id}`, notificationId: payload.notificationId },
    })
    expect(n!.body).toMatch(/You earned \d+ points?\. Balance: \d+\./)

    // A newer push with the same tag replaces the older one.
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: server.url,
      registrationId,
      data: JSON.stringify({ ...payload, body: 'Newer' }),
    })
    await expect.poll(async () => (await shown()).map((x) => x.body), POLL).toEqual(['Newer'])

    // The click: Chromium offers no way to click a system notification from a test, so the test
    // dispatches notificationclick with the real notification inside the service worker.
    const sw = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'))
    await sw.evaluate(async () => {
      const g = globalThis as any
      const [note] = await g.registration.getNotifications()
      g.dispatchEvent(new g.NotificationEvent('notificationclick', { notification: note }))
    })
    await page.waitForURL(`**/cards/${card.id}`)
    await page.getByTestId('card').waitFor()

    const db = new Database(path.join(server.dataDir, 'loyalty.sqlite'), { readonly: true })
    try {
      await expect
        .poll(
          () =>
            (
              db.prepare('select clicked_at from push_notifications where id = ?').get(payload.notificationId) as {
                clicked_at: string | null
              }
            ).clicked_at,
          POLL,
        )
        .not.toBeNull()
    } finally {
      db.close()
    }
    await context.close()
  })

  it('lets the member switch kinds off per shop in settings', async () => {
    const context = await phoneContext(browser, server.url)
    const page = await context.newPage()
    await page.goto('/join/demo')
    const cardId = await page.evaluate(async () => {
      const r = await fetch('/api/join', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ slug: 'demo', name: 'Bea' }),
      })
      return ((await r.json()) as { card: { id: string } }).card.id
    })
    await page.goto(`/cards/${cardId}`)
    await page.getByTestId('card').waitFor()
    await page.goto('/settings')
    const offers = page.getByTestId(`push-switches-${cardId}`).getByTestId('push-switch-offers')
    await offers.waitFor()
    expect(await offers.isChecked()).toBe(true)
    await offers.uncheck()
    await expect
      .poll(
        () => page.evaluate((id) => fetch(`/api/me/cards/${id}/push-preferences`).then((r) => r.json()), cardId),
        POLL,
      )
      .toMatchObject({ offers: false, birthday: true })
    await expectNoAxeViolations(page)
    await screenshot(page, 'push-settings')
    await context.close()
  })
})
