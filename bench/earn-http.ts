import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import readline from 'node:readline'
import autocannon from 'autocannon'

interface Started {
  port: number
  apiKey: string
  cardNumbers: string[]
  stop(): void
}

async function startServer(mode: 'real' | 'baseline', env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/earn-server.ts', mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  })
  const rl = readline.createInterface({ input: child.stdout })
  const [line] = (await once(rl, 'line')) as [string]
  const info = JSON.parse(line) as Omit<Started, 'stop'>
  return { ...info, stop: () => child.kill('SIGTERM') }
}

export interface HttpResult {
  rps: number
  p50: number
  p99: number
  errors: number
  non2xx: number
}

/**
 * Each request names the next member's card (round robin) and, for the real route, a fresh Idempotency-Key.
 * The load generator shares the machine's two cores with the server, so it does as little as it can per
 * request: bodies are made once per card, and keys are a run prefix and a counter (unique, not random).
 */
export function run(
  url: string,
  headers: Record<string, string>,
  cardNumbers: string[],
  perRequestKey: boolean,
  seconds: number,
  connections = 32,
): Promise<HttpResult> {
  let next = 0
  const bodies = cardNumbers.map((cardNumber) => JSON.stringify({ cardNumber, amountMinor: 1250 }))
  const keyPrefix = `bench-${randomUUID()}-`
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        method: 'POST',
        connections,
        pipelining: 1,
        duration: seconds,
        headers: { 'content-type': 'application/json', ...headers },
        requests: [
          {
            setupRequest: (req) => {
              const n = next++
              const body = bodies[n % bodies.length]!
              return perRequestKey
                ? { ...req, headers: { ...req.headers, 'idempotency-key': keyPrefix + n }, body }
                : { ...req, body }
            },
          },
        ],
      },
      (err, r) => {
        if (err) return reject(err)
        resolve({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx })
      },
    )
  })
}

export const median = <T>(xs: T[], by: (x: T) => number): T =>
  [...xs].sort((a, b) => by(a) - by(b))[Math.floor(xs.length / 2)]!

export interface EarnBench {
  /** The median round of each side, and the median of the per-round ratios. */
  real: HttpResult
  baseline: HttpResult
  ratio: number
  rounds: { real: number; baseline: number; plain: number }[]
  /** The same app without group commit and the checkpoint thread (BENCH_PLAIN_WRITES=1), in the same rounds. */
  plain: HttpResult
  plainRatio: number
}

/**
 * Earn over HTTP on loopback: the real POS earn against a bare insert+update route, same machine,
 * same run. They alternate in short rounds (baseline, then the app as it runs, then the app with
 * group commit and the checkpoint thread turned off, for comparison), each round's ratio is taken against the baseline
 * run at the start of that round, and the medians are reported: this machine's speed
 * drifts by tens of percent from one minute to the next, and a median of adjacent pairs follows
 * the server rather than the drift.
 */
export async function benchEarnHttp(secondsPerRound = 3, rounds = 6): Promise<EarnBench> {
  const base = await startServer('baseline')
  const real = await startServer('real')
  const single = await startServer('real', { BENCH_PLAIN_WRITES: '1' })
  try {
    const baseUrl = `http://127.0.0.1:${base.port}/earn`
    const earnUrl = (s: Started) => `http://127.0.0.1:${s.port}/api/pos/v1/earn`
    const auth = (s: Started) => ({ authorization: `Bearer ${s.apiKey}` })
    await run(baseUrl, {}, base.cardNumbers, false, 2) // warm-up
    await run(earnUrl(real), auth(real), real.cardNumbers, true, 2)
    await run(earnUrl(single), auth(single), single.cardNumbers, true, 2)
    const rows: { real: HttpResult; baseline: HttpResult; plain: HttpResult }[] = []
    for (let i = 0; i < rounds; i++) {
      const baseline = await run(baseUrl, {}, base.cardNumbers, false, secondsPerRound)
      const measured = await run(earnUrl(real), auth(real), real.cardNumbers, true, secondsPerRound)
      const plain = await run(earnUrl(single), auth(single), single.cardNumbers, true, secondsPerRound)
      rows.push({ baseline, real: measured, plain })
    }
    return {
      real: median(
        rows.map((p) => p.real),
        (r) => r.rps,
      ),
      baseline: median(
        rows.map((p) => p.baseline),
        (r) => r.rps,
      ),
      ratio: median(
        rows.map((p) => p.real.rps / p.baseline.rps),
        (x) => x,
      ),
      plain: median(
        rows.map((p) => p.plain),
        (r) => r.rps,
      ),
      plainRatio: median(
        rows.map((p) => p.plain.rps / p.baseline.rps),
        (x) => x,
      ),
      rounds: rows.map((p) => ({
        real: Math.round(p.real.rps),
        baseline: Math.round(p.baseline.rps),
        plain: Math.round(p.plain.rps),
      })),
    }
  } finally {
    base.stop()
    real.stop()
    single.stop()
  }
}
