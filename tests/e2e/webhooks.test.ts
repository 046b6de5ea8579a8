import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyWebhook } from '../../docs/examples/webhook-receiver.js'
import { startReceiver } from '../helpers/webhooks.js'
import {
  expectNoAxeViolations,
  expectNotBlank,
  phoneContext,
  screenshot,
  serverAndBrowser,
  staffSignIn,
} from './harness.js'

let receiver: Awaited<ReturnType<typeof startReceiver>>
beforeAll(async () => {
  receiver = await startReceiver()
})
afterAll(async () => receiver?.close())

// The real server sends from its scheduler (every 2 s) to a receiver on loopback.
const e2e = serverAndBrowser(undefined, { WEBHOOKS_ALLOW_LOCALHOST: '1' })

describe('webhooks in the console', () => {
  it('the owner adds an endpoint, sends a test event, sees it delivered, and resends it', async () => {
    const context = await phoneContext(e2e.browser, e2e.server.url)
    const page = await context.newPage()
    await staffSignIn(page, 'owner@demo.test', 'demo-owner-pass')
    await page.getByTestId('nav-webhooks').click()
    await page.waitForURL('**/merchant/webhooks')

    await page.getByTestId('webhook-url').fill(receiver.url)
    await page.getByTestId('webhook-add').click()
    const secret = await page.locator('#webhook-secret-value').inputValue()
    expect(secret).toMatch(/^whsec_/)
    await expectNoAxeViolations(page)
    await page.getByRole('button', { name: 'I have saved it' }).click()

    const endpoint = page.getByTestId('webhook-endpoint')
    await endpoint.getByTestId('webhook-test').click()
    const first = endpoint.getByTestId('webhook-delivery').first()
    await expect.poll(() => first.getByTestId('delivery-state').textContent(), { timeout: 20_000 }).toMatch(/Delivered/)
    expect(await first.textContent()).toMatch(/response 200/)
    const got = await receiver.waitFor(1)
    expect(verifyWebhook(secret, got.headers, got.body).type).toBe('webhook.test')
    await expectNotBlank(await screenshot(page, 'webhooks-delivered'))

    await first.getByTestId('delivery-resend').click()
    await expect.poll(() => endpoint.getByTestId('webhook-delivery').count(), { timeout: 10_000 }).toBe(2)
    await expect
      .poll(() => endpoint.getByTestId('delivery-state').allTextContents(), { timeout: 20_000 })
      .toEqual(['Delivered', 'Delivered'])
    const again = await receiver.waitFor(2)
    expect(again.id).toBe(got.id) // the same webhook-id: the receiver can tell it already has it
    await context.close()
  })

  it('a cashier has no webhooks screen', async () => {
    const context = await phoneContext(e2e.browser, e2e.server.url)
    const page = await context.newPage()
    await staffSignIn(page, 'cashier@demo.test', 'demo-cashier-pass')
    await page.goto(`${e2e.server.url}/merchant`)
    expect(await page.getByTestId('nav-webhooks').count()).toBe(0)
    await page.goto(`${e2e.server.url}/merchant/webhooks`)
    await expect.poll(() => page.getByText('Only the owner can manage webhooks.').count()).toBe(1)
    await context.close()
  })
})
