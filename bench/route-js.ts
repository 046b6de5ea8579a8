/**
 * The JavaScript each first screen makes a phone download, as Chromium receives it from the built
 * server (compressed bytes on the wire, every script request until the page is idle), against a
 * budget per route. A fresh browser context per route: nothing cached, nothing in storage.
 */
import { chromium, type Browser } from 'playwright-core'
import { joinDemo, startSite, type ServerMode, type Site } from './site.js'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const CHROME_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** kB of compressed JS each route may transfer (client/README.md says why each is what it is). */
export const ROUTE_BUDGETS_KB: Record<string, number> = {
  card: 75,
  join: 70,
  'staff-login': 70,
  wallet: 75,
}

export interface RouteJs {
  route: string
  path: string
  /** Bytes on the wire (headers excluded) and decoded, over every script the page loaded. */
  transferred: number
  decoded: number
  files: string[]
  budgetKb: number
}

/** The routes measured: the three first screens of the issue, and the wallet. */
export async function routePaths(site: Site): Promise<{ route: string; path: string; cookie?: string }[]> {
  const member = await joinDemo(site.url, 'Route JS Member')
  return [
    { route: 'join', path: '/join/demo' },
    { route: 'card', path: `/cards/${member.cardId}`, cookie: member.cookie },
    { route: 'staff-login', path: '/staff/login' },
    { route: 'wallet', path: '/', cookie: member.cookie },
  ]
}

async function measure(browser: Browser, site: Site, r: { route: string; path: string; cookie?: string }) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })
  try {
    if (r.cookie) {
      const [name, value] = r.cookie.split('=') as [string, string]
      await context.addCookies([{ name, value, url: site.url }])
    }
    const page = await context.newPage()
    const cdp = await context.newCDPSession(page)
    await cdp.send('Network.enable')
    const scripts = new Map<string, string>()
    const sizes = { transferred: 0, decoded: 0 }
    const files: string[] = []
    cdp.on('Network.responseReceived', (e) => {
      if (e.type === 'Script') scripts.set(e.requestId, new URL(e.response.url).pathname)
    })
    cdp.on('Network.dataReceived', (e) => {
      if (scripts.has(e.requestId)) sizes.decoded += e.dataLength
    })
    cdp.on('Network.loadingFinished', (e) => {
      const file = scripts.get(e.requestId)
      if (!file) return
      // encodedDataLength counts the response headers too: the body is what a budget is about.
      sizes.transferred += e.encodedDataLength
      files.push(file)
    })
    const headerBytes = new Map<string, number>()
    cdp.on('Network.responseReceivedExtraInfo', (e) => {
      if (e.headersText) headerBytes.set(e.requestId, e.headersText.length)
    })
    await page.goto(site.url + r.path, { waitUntil: 'networkidle' })
    for (const [id] of scripts) sizes.transferred -= headerBytes.get(id) ?? 0
    return { ...sizes, files: files.sort() }
  } finally {
    await context.close()
  }
}

export async function benchRouteJs(mode: ServerMode = 'compiled'): Promise<RouteJs[]> {
  const site = await startSite({ mode })
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS })
  try {
    const out: RouteJs[] = []
    for (const r of await routePaths(site)) {
      const m = await measure(browser, site, r)
      out.push({ route: r.route, path: r.path, ...m, budgetKb: ROUTE_BUDGETS_KB[r.route]! })
    }
    return out
  } finally {
    await browser.close()
    await site.stop()
  }
}

if (process.argv[1]?.endsWith('route-js.ts')) {
  for (const r of await benchRouteJs((process.env.BENCH_SERVER as ServerMode) ?? 'compiled')) {
    console.log(
      `${r.route.padEnd(12)} ${(r.transferred / 1024).toFixed(1)} kB on the wire (${(r.decoded / 1024).toFixed(1)} kB decoded), budget ${r.budgetKb} kB: ${r.files.join(' ')}`,
    )
  }
}
