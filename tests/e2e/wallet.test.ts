import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { unzip, appleEnv, makeServiceAccount, makeTestPki, startApns, startGoogle } from '../helpers/wallet.js'
import {
  expectNoAxeViolations,
  launch,
  PHONE,
  screenshot,
  staffSignIn,
  startServer,
  type RunningServer,
} from './harness.js'

/*
 * The wallet buttons per user agent at 390x844, the .pkpass download, Google's save link, and the
 * console's counts, against the real server with Apple and Google pointed at local stand-ins.
 */
const UA = {
  iosSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  androidChrome:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  desktopFirefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
}

let pki: ReturnType<typeof makeTestPki>
let apns: Awaited<ReturnType<typeof startApns>>
let google: Awaited<ReturnType<typeof startGoogle>>
let server: RunningServer
let browser: Browser
let dir: string
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-e2e-wallet-'))
  pki = makeTestPki()
  const account = makeServiceAccount(dir)
  ;[apns, google] = await Promise.all([startApns(pki), startGoogle(account)])
  ;[server, browser] = await Promise.all([
    startServer(['--demo'], { ...appleEnv(pki, apns.url), ...google.env(account.file) }),
    launch(),
  ])
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await server?.stop()
  await Promise.all([apns?.close(), google?.close()])
  pki?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

/** A phone with this user agent, a member of Demo Café, on the card. */
async function memberOnCard(userAgent: string): Promise<{ page: Page; cardId: string }> {
  const context = await browser.newContext({
    baseURL: server.url,
    viewport: PHONE,
    deviceScaleFactor: 2,
    userAgent,
    acceptDownloads: true,
  })
  const page = await context.newPage()
  await page.goto('/join/demo')
  const cardId = await page.evaluate(async () => {
    const r = await fetch('/api/join', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ slug: 'demo', name: 'Ada Lovelace' }),
    })
    return ((await r.json()) as { card: { id: string } }).card.id
  })
  await page.goto(`/cards/${cardId}`)
  await page.getByTestId('card-qr').waitFor()
  return { page, cardId }
}

describe('wallet passes in Chromium', () => {
  it('iOS Safari: only "Add to Apple Wallet", which downloads a signed .pkpass', async () => {
    const { page } = await memberOnCard(UA.iosSafari)
    const apple = page.getByTestId('add-apple-wallet')
    await apple.waitFor()
    expect(await page.getByTestId('add-google-wallet').count()).toBe(0)
    await apple.scrollIntoViewIfNeeded()
    await screenshot(page, 'wallet-ios')
    await expectNoAxeViolations(page)
    const [download] = await Promise.all([page.waitForEvent('download'), apple.click()])
    const file = await download.path()
    const files = unzip(fs.readFileSync(file!))
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['pass.json', 'manifest.json', 'signature']))
    expect(JSON.parse(files['pass.json']!.toString()).organizationName).toBe('Demo Café')

    // Settings lists the pass; "remove" makes the server forget it.
    await page.goto('/settings')
    const section = page.getByTestId('settings-wallet-passes')
    await section.waitFor()
    await section.getByRole('button').click()
    await section.getByRole('status').waitFor()
    expect(await section.getByRole('button').count()).toBe(0)
    await page.context().close()
  })

  it('Android Chrome: only "Add to Google Wallet", which goes to the save link', async () => {
    const { page } = await memberOnCard(UA.androidChrome)
    await page.route('https://pay.google.test/**', (r) =>
      r.fulfill({ status: 200, contentType: 'text/html', body: '<title>Google Wallet</title><h1>Saved</h1>' }),
    )
    const add = page.getByTestId('add-google-wallet')
    await add.waitFor()
    expect(await page.getByTestId('add-apple-wallet').count()).toBe(0)
    await add.scrollIntoViewIfNeeded()
    await screenshot(page, 'wallet-android')
    await Promise.all([page.waitForURL('https://pay.google.test/gp/v/save/**'), add.click()])
    expect(google.objects.size).toBe(1)
    await page.context().close()
  })

  it('a desktop browser with neither wallet shows no wallet buttons', async () => {
    const { page } = await memberOnCard(UA.desktopFirefox)
    await page.getByTestId('history-link').waitFor()
    // Give the lazy part its chance to appear before saying it did not.
    await page.waitForLoadState('networkidle')
    expect(await page.getByTestId('wallet-passes').count()).toBe(0)
    await page.context().close()
  })

  it('the console counts the passes and shows the last update', async () => {
    const context = await browser.newContext({ baseURL: server.url, viewport: PHONE, deviceScaleFactor: 2 })
    const page = await context.newPage()
    await staffSignIn(page, 'owner@demo.test', 'demo-owner-pass')
    await page.goto('/merchant/push')
    const panel = page.getByTestId('wallet-figures')
    await panel.waitFor()
    // The iOS member removed theirs in Settings; the Android member's Google pass stays.
    expect(await page.getByTestId('wallet-apple-count').textContent()).toBe('0')
    expect(await page.getByTestId('wallet-google-count').textContent()).toBe('1')
    await panel.scrollIntoViewIfNeeded()
    await screenshot(page, 'wallet-console')
    await context.close()
  })
})
