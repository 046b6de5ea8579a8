import { describe, expect, it } from 'vitest'
import { expectNoAxeViolations, phoneContext, screenshot, serverAndBrowser } from './harness.js'

const e2e = serverAndBrowser(90_000)

/** Points through the demo's POS key, as a till would award them. */
async function awardByPos(cardNumber: string, amountMinor: number) {
  const key = /POS API key \(demo\): (\S+)/.exec(e2e.server.output())?.[1]
  expect(key).toBeTruthy()
  const res = await fetch(`${e2e.server.url}/api/pos/v1/earn`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'idempotency-key': `e2e-${Date.now()}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ cardNumber, amountMinor }),
  })
  expect(res.status).toBe(201)
  // The program decides the points (welcome bonus, visit points, promotions): the answer says the balance.
  return ((await res.json()) as { balance: number }).balance
}

describe('a wallet that survives a lost phone', () => {
  it('joins, saves a passkey, loses all browser data, signs in with the passkey and gets the card back', async () => {
    const context = await phoneContext(e2e.browser, e2e.server.url)
    const page = await context.newPage()
    const cdp = await context.newCDPSession(page)
    await cdp.send('WebAuthn.enable')
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    })

    await page.goto('/join/demo')
    await page.getByTestId('join-name').fill('Ada Passkey')
    await page.getByTestId('join-submit').click()
    await page.getByTestId('card').waitFor()
    const cardNumber = await page.evaluate(async () => {
      const res = await fetch('/api/me/cards')
      const body = (await res.json()) as { cards: { cardNumber: string }[] }
      return body.cards[0]!.cardNumber
    })
    const balance = await awardByPos(cardNumber, 4200)
    await expect
      .poll(() => page.getByTestId('card-balance').textContent(), { timeout: 15_000 })
      .toContain(String(balance))

    // The card offers to keep the wallet safe; one tap makes a passkey on the (virtual) authenticator.
    // Prompts come one at a time (welcome, notifications, then the passkey): the first two are dismissed.
    await page.getByTestId('welcome-dismiss').click()
    await page.getByTestId('push-dismiss').click()
    await page.getByTestId('keep-safe').waitFor()
    await screenshot(page, 'passkey-keep-safe')
    await page.getByTestId('keep-safe-create').click()
    await page.getByTestId('keep-safe-done').waitFor()

    // Lose the phone's browser data: storage, caches, service worker and cookies (the authenticator stays).
    await cdp.send('Storage.clearDataForOrigin', { origin: e2e.server.url, storageTypes: 'all' })
    await context.clearCookies()
    await page.goto('/')
    await page.getByTestId('wallet-empty').waitFor()
    expect(await page.getByTestId('wallet-card').count()).toBe(0)

    await page.getByTestId('wallet-signin').click()
    await page.getByTestId('signin-passkey').waitFor()
    await expectNoAxeViolations(page)
    await screenshot(page, 'passkey-signin')
    await page.getByTestId('signin-passkey').click()

    await page.getByTestId('wallet-card').first().waitFor()
    await page.getByTestId('wallet-card').first().click()
    await page.getByTestId('card').waitFor()
    await expect.poll(() => page.getByTestId('card-balance').textContent()).toContain(String(balance))
    expect(await page.getByTestId('keep-safe').count()).toBe(0) // the wallet already has a passkey

    await page.goto('/settings')
    await page.getByTestId('passkey-item').first().waitFor()
    expect(await page.getByTestId('device-item').count()).toBeGreaterThanOrEqual(1)
    await expectNoAxeViolations(page)
    await screenshot(page, 'passkey-settings')
    await context.close()
  }, 120_000)

  it('says so clearly when the passkey prompt is cancelled', async () => {
    const context = await phoneContext(e2e.browser, e2e.server.url)
    const page = await context.newPage()
    const cdp = await context.newCDPSession(page)
    await cdp.send('WebAuthn.enable')
    // No user verification possible: the browser refuses, as when the member cancels.
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: false,
      },
    })
    await page.goto('/signin')
    await page.getByTestId('signin-passkey').click()
    const alert = page.getByTestId('signin-passkey-error')
    await alert.waitFor({ timeout: 30_000 })
    expect(await alert.textContent()).toMatch(/Passkey cancelled/)
    await context.close()
  }, 90_000)
})
