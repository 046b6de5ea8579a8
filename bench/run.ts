/**
 * npm run bench: each figure beside a baseline measured in the same run, printed as a ratio and
 * written to bench/results.json. Benchmarks never fail on a time; they report.
 */
import fs from 'node:fs'
import { benchEarnHttp } from './earn-http.js'
import { cardRouteJsGzip } from './bundle-size.js'
import { benchPushFanout } from './push-fanout.js'
import { benchDashboard } from './dashboard.js'
import { benchEarnHttpPg } from './earn-http-pg.js'
import { benchPushFanoutPg } from './push-fanout-pg.js'
import { pgAdminUrl } from './pg.js'
import { benchCardRead } from './card-read-http.js'
import { benchRouteJs } from './route-js.js'
import { benchLighthouse } from './lighthouse.js'
import { benchServerProcess } from './server-process.js'
import { benchNightlyJobs, type NightlyScale } from './nightly-jobs.js'

interface Result {
  name: string
  value: number
  unit: string
  baseline: number
  ratio: number
  note?: string
}

const results: Result[] = []
/** BENCH_ONLY=dashboard,push-fanout runs some; the others keep their last figures in results.json. */
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim())
const runs = (name: string) => !only || only.includes(name)
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d

if (runs('earn-http')) {
  const seconds = Number(process.env.BENCH_SECONDS ?? 3)
  const rounds = Number(process.env.BENCH_ROUNDS ?? 6)
  console.log(
    `earn-http: ${rounds} rounds of ${seconds}s each (baseline, the app, the app without group commit or checkpoint thread), 32 connections, loopback…`,
  )
  const earn = await benchEarnHttp(seconds, rounds)
  for (const [i, r] of earn.rounds.entries()) {
    console.log(
      `  round ${i + 1}: real ${r.real} req/s, baseline ${r.baseline} req/s, ratio ${(r.real / r.baseline).toFixed(2)}; plain writes ${r.plain} req/s`,
    )
  }
  for (const [label, r] of [
    ['real', earn.real],
    ['baseline', earn.baseline],
    ['plain', earn.plain],
  ] as const) {
    console.log(
      `  ${label.padEnd(8)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors}  non-2xx ${r.non2xx} (median round)`,
    )
  }
  const best = Math.max(...earn.rounds.map((r) => r.real))
  results.push({
    name: 'earn-http',
    value: round(earn.real.rps, 0),
    unit: 'req/s',
    baseline: round(earn.baseline.rps, 0),
    ratio: round(earn.ratio),
    note: `medians of ${rounds} alternating ${seconds}s rounds (ratio: median of each round's real/baseline); best real round ${best} req/s; the same app without group commit and checkpoint thread in the same rounds ${round(earn.plain.rps, 0)} req/s (ratio ${round(earn.plainRatio)}); p50 ${earn.real.p50} ms, p99 ${earn.real.p99} ms (baseline p50 ${earn.baseline.p50} ms, p99 ${earn.baseline.p99} ms); non-2xx ${earn.real.non2xx}; rounds (real/baseline/plain) ${earn.rounds.map((r) => `${r.real}/${r.baseline}/${r.plain}`).join(', ')}`,
  })
  console.log(
    `  ratio real/baseline (median of rounds): ${results.at(-1)!.ratio} (target >= 5000 req/s and >= 0.5); without group commit and checkpoint thread: ${round(earn.plainRatio)}`,
  )
}

if (runs('card-js-gzip')) {
  const js = cardRouteJsGzip()
  results.push({
    name: 'card-js-gzip',
    value: round(js.bytes / 1024, 1),
    unit: 'kB',
    baseline: 90,
    ratio: round(js.bytes / 1024 / 90),
    note: `gzipped JS the card route loads: ${js.files.join(', ')}; baseline is the 90 kB budget`,
  })
  console.log(
    `card-js-gzip: ${(js.bytes / 1024).toFixed(1)} kB gzipped over ${js.files.length} files (budget 90 kB, ratio ${results.at(-1)!.ratio})`,
  )
}

if (runs('push-fanout')) {
  const fanoutN = Number(process.env.PUSH_FANOUT_N ?? 10_000)
  console.log(`push-fanout: one offer to ${fanoutN} subscriptions on a local endpoint that accepts and drops…`)
  const f = await benchPushFanout(fanoutN)
  results.push({
    name: 'push-fanout',
    value: round(f.sendRate, 0),
    unit: 'msg/s',
    baseline: round(f.encryptRate, 0),
    ratio: round(f.sendRate / f.encryptRate),
    note: `sender (claim, encrypt aes128gcm in ${f.encryptThreads} worker thread(s), POST from its own thread, record) ${f.sent} pushes in ${round(f.sendSeconds, 1)} s; baseline: web-push encryption alone on one core; queueing the offer (segment, consent, cap, outbox rows) took ${round(f.queueSeconds, 1)} s, end to end ${round(f.endToEndRate, 0)} msg/s`,
  })
  console.log(
    `  sent ${f.sent} in ${f.sendSeconds.toFixed(1)} s: ${f.sendRate.toFixed(0)} msg/s; encryption alone ${f.encryptRate.toFixed(0)} msg/s; ratio ${results.at(-1)!.ratio} (target >= 2000 msg/s and >= 0.5); queueing ${f.queueSeconds.toFixed(1)} s, end to end ${f.endToEndRate.toFixed(0)} msg/s`,
  )
}

if (runs('dashboard')) {
  const members = Number(process.env.DASHBOARD_MEMBERS ?? 100_000)
  const entries = Number(process.env.DASHBOARD_ENTRIES ?? 2_000_000)
  console.log(`dashboard: ${members} members, ${entries} ledger entries (generated), best of 3…`)
  const d = await benchDashboard(members, entries)
  results.push({
    name: 'dashboard',
    value: round(d.dashboardMs, 0),
    unit: 'ms',
    baseline: round(d.baselineMs, 0),
    ratio: round(d.dashboardMs / d.baselineMs),
    note: `whole dashboard + segment counts, warm (summaries in memory, moved forward from the watermark); first read in a new process ${round(d.coldMs, 0)} ms; one segment page ${round(d.segmentPageMs, 0)} ms; baseline: one GROUP BY card_id pass over the merchant's ledger (count, sum, max). Summaries (0008): insight_members (per card purchase days), insight_points_days, insight_watermarks; ledger read through ledger_merchant_time, no index added. Building the summaries from scratch took ${round(d.buildSeconds, 1)} s (once per merchant); generating the data ${round(d.generateSeconds, 1)} s`,
  })
  console.log(
    `  dashboard ${d.dashboardMs.toFixed(0)} ms warm, ${d.coldMs.toFixed(0)} ms first read in a new process, segment page ${d.segmentPageMs.toFixed(0)} ms; baseline ${d.baselineMs.toFixed(0)} ms; ratio ${results.at(-1)!.ratio} (target <= 1000 ms and <= 3); summaries built in ${d.buildSeconds.toFixed(1)} s`,
  )
}

if (runs('card-read-http')) {
  const seconds = Number(process.env.BENCH_SECONDS ?? 3)
  const rounds = Number(process.env.BENCH_ROUNDS ?? 6)
  console.log(`card-read-http: ${rounds} alternating rounds of ${seconds}s, 32 connections, beside a bare Hono route…`)
  const r = await benchCardRead(seconds, rounds)
  for (const [i, x] of r.rounds.entries())
    console.log(
      `  round ${i + 1}: card ${x.real} req/s (p99 ${x.realP99} ms), bare ${x.baseline} req/s (p99 ${x.baselineP99} ms)`,
    )
  results.push({
    name: 'card-read-http',
    value: round(r.real.rps, 0),
    unit: 'req/s',
    baseline: round(r.baseline.rps, 0),
    ratio: round(r.ratio),
    note: `GET /api/me/cards/{id} with the member's cookie (${r.bodyBytes} bytes of JSON) beside a bare Hono route answering the same body, 32 connections, medians of ${rounds} alternating ${seconds}s rounds; p50 ${r.real.p50} ms, p99 ${r.real.p99} ms (bare p50 ${r.baseline.p50}, p99 ${r.baseline.p99}); non-2xx ${r.real.non2xx}; /api/health with the member's cookie ${round(r.health.real.rps, 0)} req/s beside a bare /health ${round(r.health.baseline.rps, 0)} (ratio ${round(r.health.ratio)}); rounds (card/bare) ${r.rounds.map((x) => `${x.real}/${x.baseline}`).join(', ')}`,
  })
  console.log(
    `  card read ${r.real.rps.toFixed(0)} req/s p99 ${r.real.p99} ms, bare ${r.baseline.rps.toFixed(0)} req/s: ratio ${round(r.ratio)} (target >= 0.5, p99 <= 10 ms); health with a session ${round(r.health.ratio)} of bare`,
  )
}

if (runs('route-js')) {
  console.log(
    'route-js: compressed JS each first screen transfers from the built server (Chromium), against its budget…',
  )
  for (const r of await benchRouteJs()) {
    const kb = r.transferred / 1024
    results.push({
      name: `route-js-${r.route}`,
      value: round(kb, 1),
      unit: 'kB',
      baseline: r.budgetKb,
      ratio: round(kb / r.budgetKb),
      note: `${r.path}: ${round(kb, 1)} kB of JS on the wire (${round(r.decoded / 1024, 1)} kB decoded) in ${r.files.length} files (${r.files.map((f) => f.replace('/assets/', '')).join(', ')}); baseline: the route's budget (bench/route-js.ts)`,
    })
    console.log(
      `  ${r.route.padEnd(12)} ${kb.toFixed(1)} kB (budget ${r.budgetKb} kB), ${(r.decoded / 1024).toFixed(1)} kB decoded, ${r.files.length} files`,
    )
  }
}

if (runs('lcp')) {
  const n = Number(process.env.LCP_RUNS ?? 3)
  console.log(
    `lcp: Lighthouse 12.2.3, mobile profile, median of ${n} per route, against the built server and a bare page…`,
  )
  const l = await benchLighthouse(n)
  for (const r of l.routes) {
    results.push({
      name: r.route,
      value: round(r.lcpMs, 0),
      unit: 'ms',
      baseline: round(l.baseline.lcpMs, 0),
      ratio: round(r.lcpMs / l.baseline.lcpMs),
      note: `LCP (median of ${n}; runs ${r.runs.map((x) => Math.round(x.lcpMs)).join('/')} ms), performance ${r.performance}, ${round(r.jsBytes / 1024, 1)} kB of JS transferred; baseline: a bare HTML page from a bare Hono server, LCP ${round(l.baseline.lcpMs, 0)} ms, performance ${l.baseline.performance}`,
    })
    console.log(
      `  ${r.route.padEnd(16)} LCP ${r.lcpMs.toFixed(0)} ms, performance ${r.performance}, JS ${(r.jsBytes / 1024).toFixed(1)} kB (bare page ${l.baseline.lcpMs.toFixed(0)} ms)`,
    )
  }
}

if (runs('server-rss') || runs('server-start')) {
  const n = Number(process.env.SERVER_RUNS ?? 3)
  console.log(
    `server-rss, server-start: npm start's compiled server and the tsx-run server beside a bare Hono process, median of ${n}…`,
  )
  const p = await benchServerProcess(n)
  const c = p.compiled!
  const x = p.tsx!
  results.push({
    name: 'server-rss',
    value: round(c.rssMb, 0),
    unit: 'MB',
    baseline: round(p.baseline.rssMb, 0),
    ratio: round(c.rssMb / p.baseline.rssMb),
    note: `resident memory after 5 s idle of node dist-server/index.js (npm start) on a migrated data directory; the same server through tsx (npm start before) ${round(x.rssMb, 0)} MB; baseline: a bare Hono process (bench/bare-hono.mjs); samples compiled ${c.rss.join('/')}, tsx ${x.rss.join('/')}, bare ${p.baseline.rss.join('/')}`,
  })
  results.push({
    name: 'server-start',
    value: round(c.startMs, 0),
    unit: 'ms',
    baseline: round(p.baseline.startMs, 0),
    ratio: round(c.startMs / p.baseline.startMs),
    note: `from spawning node dist-server/index.js to its first 200 on /api/health (a restart: migrated data directory); through tsx ${round(x.startMs, 0)} ms; baseline: a bare Hono process; samples compiled ${c.starts.join('/')}, tsx ${x.starts.join('/')}, bare ${p.baseline.starts.join('/')}`,
  })
  console.log(
    `  compiled ${c.rssMb.toFixed(0)} MB, ${c.startMs.toFixed(0)} ms; tsx ${x.rssMb.toFixed(0)} MB, ${x.startMs.toFixed(0)} ms; bare Hono ${p.baseline.rssMb.toFixed(0)} MB, ${p.baseline.startMs.toFixed(0)} ms`,
  )
}

if (runs('nightly-jobs')) {
  const m = Number(process.env.NIGHTLY_MEMBERS ?? 100_000)
  const e = Number(process.env.NIGHTLY_ENTRIES ?? 2_000_000)
  const sizes = [{ members: m, entries: e }]
  if (process.env.NIGHTLY_SECOND !== '0') sizes.push({ members: m * 2, entries: e * 2 })
  console.log(`nightly-jobs: the hourly program jobs at ${sizes.map((z) => `${z.members} members`).join(' and ')}…`)
  const n = await benchNightlyJobs(sizes)
  const [first, second] = n.scales
  const jobs = (t: NightlyScale['steady']) =>
    Object.entries(t)
      .map(([k, v]) => `${k} ${Math.round(v.ms)} ms (${JSON.stringify(v.result)})`)
      .join(', ')
  results.push({
    name: 'nightly-jobs',
    value: round(first!.steadyMs, 0),
    unit: 'ms',
    baseline: round(first!.catchUpMs, 0),
    ratio: round(first!.steadyMs / first!.catchUpMs, 3),
    note: `one hourly run (expiry, tiers, birthdays) at ${first!.members} members / ${first!.entries} entries, the steady state (an hour later, across the merchant's midnight): ${jobs(first!.steady)}; baseline: the first catch-up run on the same data: ${jobs(first!.catchUp)}${second ? `; at ${second.members} members / ${second.entries} entries the steady state is ${round(second.steadyMs, 0)} ms (${round(second.steadyMs / first!.steadyMs)} x), catch-up ${round(second.catchUpMs / 1000, 1)} s` : ''}; card read at 32 connections idle p99 ${n.idle.p99} ms (${round(n.idle.rps, 0)} req/s), during the catch-up p99 ${n.duringCatchUp.p99} ms (${round(n.duringCatchUp.rps, 0)} req/s)`,
  })
  console.log(
    `  steady ${first!.steadyMs.toFixed(0)} ms vs catch-up ${first!.catchUpMs.toFixed(0)} ms${second ? `; at ${second.members} members steady ${second.steadyMs.toFixed(0)} ms` : ''}; card read p99 idle ${n.idle.p99} ms, during catch-up ${n.duringCatchUp.p99} ms`,
  )
}

const pgBenches = ['earn-http-pg', 'push-fanout-pg'].filter(runs)
if (pgBenches.length && !pgAdminUrl()) {
  console.log(
    `${pgBenches.join(', ')}: skipped (set BENCH_DATABASE_URL or TEST_DATABASE_URL to a PostgreSQL role that may create databases)`,
  )
} else {
  if (runs('earn-http-pg')) {
    const seconds = Number(process.env.BENCH_SECONDS ?? 3)
    const rounds = Number(process.env.BENCH_PG_ROUNDS ?? 4)
    console.log(
      `earn-http-pg: ${rounds} rounds of ${seconds}s each (bare Node + pg route, the app in one process, the app in two processes), 32 connections, loopback…`,
    )
    const e = await benchEarnHttpPg(seconds, rounds)
    for (const [i, r] of e.rounds.entries())
      console.log(`  round ${i + 1}: baseline ${r.baseline} req/s, one process ${r.one}, two processes ${r.two}`)
    results.push({
      name: 'earn-http-pg',
      value: round(e.one.rps, 0),
      unit: 'req/s',
      baseline: round(e.baseline.rps, 0),
      ratio: round(e.oneRatio),
      note: `PostgreSQL, medians of ${rounds} alternating ${seconds}s rounds; value: the app in one process (pool 10), baseline: a bare Node + pg route doing the same insert and update in one transaction (pool 10), both at 32 connections; two processes (16 connections each) ${round(e.two.rps, 0)} req/s, ${round(e.twoOverOne)} x one; p50/p99 one ${e.one.p50}/${e.one.p99} ms, two ${e.two.p50}/${e.two.p99} ms, baseline ${e.baseline.p50}/${e.baseline.p99} ms; non-2xx ${e.one.non2xx + e.two.non2xx}; ${e.entries} entries written, cards whose balance is not their ledger's sum afterwards: ${e.unbalanced}; rounds (baseline/one/two) ${e.rounds.map((r) => `${r.baseline}/${r.one}/${r.two}`).join(', ')}`,
    })
    console.log(
      `  one process ${e.one.rps.toFixed(0)} req/s, ratio ${round(e.oneRatio)} of baseline (target >= 0.5); two processes ${e.two.rps.toFixed(0)} req/s, ${round(e.twoOverOne)} x one (target > 1); unbalanced cards ${e.unbalanced}`,
    )
  }
  if (runs('push-fanout-pg')) {
    const n = Number(process.env.PUSH_FANOUT_PG_N ?? 5000)
    console.log(`push-fanout-pg: one offer to ${n} subscriptions, two sender processes sharing the outbox…`)
    const f = await benchPushFanoutPg(n)
    results.push({
      name: 'push-fanout-pg',
      value: round(f.rate, 0),
      unit: 'msg/s',
      baseline: round(f.encryptRate, 0),
      ratio: round(f.rate / f.encryptRate),
      note: `PostgreSQL: two sender processes (claim FOR UPDATE SKIP LOCKED under a lease, encrypt, POST, record) sent ${f.sent} pushes in ${round(f.seconds, 1)} s (${f.perProcess.join(' + ')}); the endpoint received ${f.received}, ${f.twice} device(s) twice; baseline: web-push encryption alone on one core; queueing the offer took ${round(f.queueSeconds, 1)} s`,
    })
    console.log(
      `  ${f.sent} sent in ${f.seconds.toFixed(1)} s by two processes (${f.perProcess.join(' + ')}): ${f.rate.toFixed(0)} msg/s; encryption alone ${f.encryptRate.toFixed(0)} msg/s; ratio ${results.at(-1)!.ratio}; devices reached twice: ${f.twice}`,
    )
  }
}

// Figures of benchmarks not run this time stay as they were.
const previous: Result[] =
  only && fs.existsSync('bench/results.json') ? JSON.parse(fs.readFileSync('bench/results.json', 'utf8')) : []
const merged = [...previous.filter((p) => !results.some((r) => r.name === p.name)), ...results]
fs.writeFileSync('bench/results.json', `${JSON.stringify(merged, null, 2)}\n`)
console.log('wrote bench/results.json')
