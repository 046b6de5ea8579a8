/**
 * card-read-http: GET /api/me/cards/{id} with the member's cookie, 32 connections on loopback, beside
 * a bare Hono route answering the same JSON body. Alternating short rounds, medians (this machine's
 * speed drifts from minute to minute; a median of adjacent pairs follows the server, not the drift).
 * Also /api/health with the member's cookie beside a bare /health: what the session lookup costs.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import autocannon from 'autocannon'
import { median, type HttpResult } from './earn-http.js'

interface Started {
  port: number
  cookie?: string
  cardId?: string
  stop(): void
}

async function start(mode: 'real' | 'bare', env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/card-read-server.ts', mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  })
  const rl = readline.createInterface({ input: child.stdout })
  const [line] = (await once(rl, 'line')) as [string]
  return { ...(JSON.parse(line) as Omit<Started, 'stop'>), stop: () => child.kill('SIGTERM') }
}

export function get(url: string, headers: Record<string, string>, seconds: number, connections = 32) {
  return new Promise<HttpResult>((resolve, reject) => {
    autocannon({ url, connections, pipelining: 1, duration: seconds, headers }, (err, r) => {
      if (err) return reject(err)
      resolve({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx })
    })
  })
}

export interface CardReadBench {
  real: HttpResult
  baseline: HttpResult
  ratio: number
  bodyBytes: number
  rounds: { real: number; baseline: number; realP99: number; baselineP99: number }[]
  health: { real: HttpResult; baseline: HttpResult; ratio: number }
}

export async function benchCardRead(secondsPerRound = 3, rounds = 6): Promise<CardReadBench> {
  const real = await start('real')
  const bodyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lw-bench-body-')), 'body.json')
  let bare: Started | undefined
  try {
    const cardUrl = `http://127.0.0.1:${real.port}/api/me/cards/${real.cardId}`
    const cookie = { cookie: real.cookie! }
    const res = await fetch(cardUrl, { headers: cookie })
    if (!res.ok) throw new Error(`card read answered ${res.status}`)
    const body = await res.text()
    fs.writeFileSync(bodyFile, body)
    bare = await start('bare', { BENCH_BODY_FILE: bodyFile })
    const bareUrl = `http://127.0.0.1:${bare.port}/card`
    await get(bareUrl, {}, 2) // warm-up
    await get(cardUrl, cookie, 2)
    const rows: { real: HttpResult; baseline: HttpResult }[] = []
    for (let i = 0; i < rounds; i++) {
      const baseline = await get(bareUrl, {}, secondsPerRound)
      const measured = await get(cardUrl, cookie, secondsPerRound)
      rows.push({ baseline, real: measured })
    }
    const healthRows: { real: HttpResult; baseline: HttpResult }[] = []
    for (let i = 0; i < Math.max(2, Math.floor(rounds / 2)); i++) {
      const baseline = await get(`http://127.0.0.1:${bare.port}/health`, {}, secondsPerRound)
      const measured = await get(`http://127.0.0.1:${real.port}/api/health`, cookie, secondsPerRound)
      healthRows.push({ baseline, real: measured })
    }
    const pick = (xs: { real: HttpResult; baseline: HttpResult }[]) => ({
      real: median(
        xs.map((p) => p.real),
        (r) => r.rps,
      ),
      baseline: median(
        xs.map((p) => p.baseline),
        (r) => r.rps,
      ),
      ratio: median(
        xs.map((p) => p.real.rps / p.baseline.rps),
        (x) => x,
      ),
    })
    return {
      ...pick(rows),
      bodyBytes: Buffer.byteLength(body),
      rounds: rows.map((p) => ({
        real: Math.round(p.real.rps),
        baseline: Math.round(p.baseline.rps),
        realP99: p.real.p99,
        baselineP99: p.baseline.p99,
      })),
      health: pick(healthRows),
    }
  } finally {
    real.stop()
    bare?.stop()
    fs.rmSync(path.dirname(bodyFile), { recursive: true, force: true })
  }
}

if (process.argv[1]?.endsWith('card-read-http.ts')) {
  const r = await benchCardRead(Number(process.env.BENCH_SECONDS ?? 3), Number(process.env.BENCH_ROUNDS ?? 6))
  console.log(JSON.stringify(r, null, 2))
}
