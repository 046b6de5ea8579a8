/**
 * Not part of the run: one Lighthouse mobile run per first screen (the same profile as lighthouse.ts),
 * printing where the time goes (LCP element and its phases, the critical request chain, main-thread
 * long tasks, layout shifts, render-blocking and unused JS) and writing each full report to
 * bench/.lighthouse/<route>.json. `tsx bench/lighthouse-report.ts [join|card|staff-login ...]`.
 */
import fs from 'node:fs'
import * as chromeLauncher from 'chrome-launcher'
import { firstScreens, lighthouseRun } from './lighthouse.js'
import { CHROME_FLAGS, CHROMIUM } from './route-js.js'
import { joinDemo, startSite } from './site.js'

type Details = { type?: string; items?: Record<string, unknown>[]; chains?: unknown; longestChain?: unknown }

const wanted = process.argv.slice(2)
const site = await startSite({ mode: 'compiled' })
const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: CHROME_FLAGS })
try {
  const member = await joinDemo(site.url, 'Report Member')
  const targets = firstScreens(site.url, member).filter((t) => !wanted.length || wanted.includes(t.route))
  fs.mkdirSync('bench/.lighthouse', { recursive: true })
  for (const t of targets) {
    await fetch(t.url, { headers: t.cookie ? { cookie: t.cookie } : {} })
    const lhr = await lighthouseRun(chrome.port, t.url, t.cookie)
    fs.writeFileSync(`bench/.lighthouse/${t.route}.json`, JSON.stringify(lhr))
    const a = lhr.audits
    const ms = (k: string) => `${Math.round(a[k]?.numericValue ?? NaN)}`
    console.log(`\n== ${t.route}: performance ${Math.round((lhr.categories.performance!.score ?? 0) * 100)}`)
    for (const k of [
      'first-contentful-paint',
      'largest-contentful-paint',
      'total-blocking-time',
      'cumulative-layout-shift',
      'speed-index',
      'interactive',
    ])
      console.log(
        `  ${k.padEnd(26)} ${k === 'cumulative-layout-shift' ? a[k]?.numericValue?.toFixed(3) : ms(k)} (score ${a[k]?.score})`,
      )
    const items = (k: string) => ((a[k]?.details as Details | undefined)?.items ?? []) as Record<string, unknown>[]
    console.log('  LCP element:', JSON.stringify(items('largest-contentful-paint-element')).slice(0, 600))
    console.log(
      '  long tasks:',
      JSON.stringify(
        items('long-tasks').map((i) => [i.url, Math.round(i.startTime as number), Math.round(i.duration as number)]),
      ),
    )
    console.log('  layout shifts:', JSON.stringify(items('layout-shifts')).slice(0, 800))
    console.log(
      '  render-blocking:',
      JSON.stringify(items('render-blocking-resources').map((i) => [i.url, i.wastedMs])),
    )
    console.log(
      '  unused JS:',
      JSON.stringify(items('unused-javascript').map((i) => [i.url, i.totalBytes, i.wastedBytes])),
    )
    console.log(
      '  bootup:',
      JSON.stringify(
        items('bootup-time').map((i) => [i.url, Math.round(i.total as number), Math.round(i.scripting as number)]),
      ),
    )
    console.log(
      '  mainthread:',
      JSON.stringify(items('mainthread-work-breakdown').map((i) => [i.group, Math.round(i.duration as number)])),
    )
    const chains = (a['critical-request-chains']?.details as Details | undefined)?.longestChain
    console.log('  longest chain:', JSON.stringify(chains))
    const print = (
      node: Record<
        string,
        {
          request: { url: string; startTime: number; endTime: number; transferSize: number }
          children?: Record<string, unknown>
        }
      >,
      depth: number,
    ) => {
      for (const v of Object.values(node)) {
        const q = v.request
        console.log(
          `  ${'  '.repeat(depth)}${q.url.replace(site.url, '')} ${Math.round(q.startTime * 1000)}..${Math.round(q.endTime * 1000)} ${q.transferSize}`,
        )
        if (v.children) print(v.children as never, depth + 1)
      }
    }
    print(((a['critical-request-chains']?.details as Details | undefined)?.chains ?? {}) as never, 0)
    console.log('  network:')
    for (const i of items('network-requests'))
      console.log(
        `    ${String(i.url).replace(site.url, '').padEnd(60)} ${Math.round(i.networkRequestTime as number)}..${Math.round(i.networkEndTime as number)} ${i.transferSize} ${i.resourceType} ${i.priority}`,
      )
    for (const k of Object.keys(a)) {
      const s = a[k]!.score
      if (
        s !== null &&
        s < 0.9 &&
        a[k]!.scoreDisplayMode !== 'informative' &&
        a[k]!.scoreDisplayMode !== 'notApplicable'
      )
        console.log(`  failing: ${k} ${s} ${a[k]!.displayValue ?? ''}`)
    }
  }
} finally {
  chrome.kill()
  await site.stop()
}
