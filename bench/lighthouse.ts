/**
 * lcp-card, lcp-join, lcp-staff-login: Lighthouse 12.2.3 (pinned; it runs on Node 20) with its
 * default mobile profile (simulated slow 4G and a 4x slower CPU), against the built server as
 * `npm start` runs it, median of three runs per route. The baseline, measured the same way in the
 * same run, is a bare page: one HTML document with a heading from a bare Hono server, the floor
 * any first screen can reach on this profile.
 */
import { serve } from '@hono/node-server'
import * as chromeLauncher from 'chrome-launcher'
import { Hono } from 'hono'
import lighthouse from 'lighthouse'
import { CHROME_FLAGS, CHROMIUM } from './route-js.js'
import { freePort, joinDemo, medianOf, startSite, type ServerMode } from './site.js'

export interface LcpRun {
  lcpMs: number
  performance: number
  /** Compressed bytes of JavaScript the page transferred (Lighthouse's network records). */
  jsBytes: number
}

export interface LcpResult extends LcpRun {
  route: string
  runs: LcpRun[]
}

/** One Lighthouse mobile run of the performance category (the member's cookie for the card). */
export async function lighthouseRun(port: number, url: string, cookie?: string) {
  const result = await lighthouse(
    url,
    {
      port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance'],
      ...(cookie ? { extraHeaders: { Cookie: cookie } } : {}),
    },
    undefined,
  )
  if (!result) throw new Error(`Lighthouse gave no result for ${url}`)
  return result.lhr
}

/** The first screens Lighthouse measures, for a site with the demo and one member of it. */
export const firstScreens = (siteUrl: string, member: { cardId: string; cookie: string }) => [
  { route: 'join', url: `${siteUrl}/join/demo`, cookie: undefined },
  { route: 'card', url: `${siteUrl}/cards/${member.cardId}`, cookie: member.cookie },
  { route: 'staff-login', url: `${siteUrl}/staff/login`, cookie: undefined },
]

async function runOnce(port: number, url: string, cookie?: string): Promise<LcpRun> {
  const lhr = await lighthouseRun(port, url, cookie)
  if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`)
  const items = (
    lhr.audits['network-requests']?.details as { items?: { resourceType?: string; transferSize?: number }[] }
  )?.items
  return {
    lcpMs: lhr.audits['largest-contentful-paint']!.numericValue!,
    performance: Math.round((lhr.categories.performance!.score ?? 0) * 100),
    jsBytes: (items ?? []).filter((i) => i.resourceType === 'Script').reduce((s, i) => s + (i.transferSize ?? 0), 0),
  }
}

/** Lighthouse sometimes loses a trace on a busy machine (NO_NAVSTART, NO_FCP): it says to run again. */
async function runTried(port: number, url: string, cookie?: string): Promise<LcpRun> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runOnce(port, url, cookie)
    } catch (e) {
      if (attempt >= 3) throw e
      console.warn(`  ${url}: ${(e as Error).message.split('\n')[0]}; trying again`)
    }
  }
}

function median(route: string, runs: LcpRun[]): LcpResult {
  const mid = [...runs].sort((a, b) => a.lcpMs - b.lcpMs)[Math.floor(runs.length / 2)]!
  return { route, ...mid, performance: medianOf(runs.map((r) => r.performance)), runs }
}

const BARE_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Bare</title></head><body><h1>Loyalty Wallet</h1><p>A bare page: the floor of this profile.</p></body></html>`

export async function benchLighthouse(
  runs = 3,
  mode: ServerMode = 'compiled',
): Promise<{ baseline: LcpResult; routes: LcpResult[] }> {
  const site = await startSite({ mode })
  const bare = new Hono().get('*', (c) => c.html(BARE_PAGE))
  const barePort = await freePort()
  const bareServer = serve({ fetch: bare.fetch, port: barePort, hostname: '127.0.0.1' })
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: CHROME_FLAGS })
  try {
    const member = await joinDemo(site.url, 'Lighthouse Member')
    const targets = firstScreens(site.url, member).map((t) => ({ ...t, route: `lcp-${t.route}` }))
    // Warm the server (and the OS's file cache) once per route before timing anything.
    for (const t of targets) await fetch(t.url, { headers: t.cookie ? { cookie: t.cookie } : {} })
    const baselineRuns: LcpRun[] = []
    const routeRuns = new Map<string, LcpRun[]>(targets.map((t) => [t.route, []]))
    // Rounds alternate the bare page and the routes, so a slow minute of this machine hits both.
    for (let i = 0; i < runs; i++) {
      baselineRuns.push(await runTried(chrome.port, `http://127.0.0.1:${barePort}/`))
      for (const t of targets) routeRuns.get(t.route)!.push(await runTried(chrome.port, t.url, t.cookie))
    }
    return {
      baseline: median('bare', baselineRuns),
      routes: targets.map((t) => median(t.route, routeRuns.get(t.route)!)),
    }
  } finally {
    chrome.kill()
    bareServer.close()
    await site.stop()
  }
}

if (process.argv[1]?.endsWith('lighthouse.ts')) {
  const r = await benchLighthouse(
    Number(process.env.LCP_RUNS ?? 3),
    (process.env.BENCH_SERVER as ServerMode) ?? 'compiled',
  )
  for (const x of [r.baseline, ...r.routes]) {
    console.log(
      `${x.route.padEnd(16)} LCP ${x.lcpMs.toFixed(0)} ms, performance ${x.performance}, JS ${(x.jsBytes / 1024).toFixed(1)} kB; runs ${x.runs.map((u) => u.lcpMs.toFixed(0)).join('/')}`,
    )
  }
}
