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

async function startServer(mode: 'real' | 'baseline'): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/earn-server.ts', mode], { stdio: ['ignore', 'pipe', 'inherit'] })
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
function run(url: string, headers: Record<string, string>, cardNumbers: string[], perRequestKey: boolean, seconds: number): Promise<HttpResult> {
  let next = 0
  const bodies = cardNumbers.map((cardNumber) => JSON.stringify({ cardNumber, amountMinor: 1250 }))
  const keyPrefix = `bench-${randomUUID()}-`
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        method: 'POST',
        connections: 32,
        pipelining: 1,
        duration: seconds,
        headers: { 'content-type': 'application/json', ...headers },
        requests: [
          {
            setupRequest: (req) => {
              const n = next++
              const body = bodies[n % bodies.length]!
              return perRequestKey ? { ...req, headers: { ...req.headers, 'idempotency-key': keyPrefix + n }, body } : { ...req, body }
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

const best = (a: HttpResult | undefined, b: HttpResult): HttpResult => (a && a.rps >= b.rps ? a : b)

/**
 * Earn over HTTP on loopback: the real POS earn against a bare insert+update route, same machine,
 * same run. The two alternate for `rounds` rounds and each keeps its best round, so a burst of
 * other work on the machine does not land on one side only.
 */
export async function benchEarnHttp(seconds = 10, rounds = 2): Promise<{ real: HttpResult; baseline: HttpResult }> {
  const base = await startServer('baseline')
  const real = await startServer('real')
  try {
    const baseUrl = `http://127.0.0.1:${base.port}/earn`
    const realUrl = `http://127.0.0.1:${real.port}/api/pos/v1/earn`
    const headers = { authorization: `Bearer ${real.apiKey}` }
    await run(baseUrl, {}, base.cardNumbers, false, 2) // warm-up
    await run(realUrl, headers, real.cardNumbers, true, 2)
    let baseline: HttpResult | undefined
    let measured: HttpResult | undefined
    for (let i = 0; i < rounds; i++) {
      baseline = best(baseline, await run(baseUrl, {}, base.cardNumbers, false, seconds / rounds))
      measured = best(measured, await run(realUrl, headers, real.cardNumbers, true, seconds / rounds))
    }
    return { real: measured!, baseline: baseline! }
  } finally {
    base.stop()
    real.stop()
  }
}
