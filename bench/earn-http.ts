import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import readline from 'node:readline'
import autocannon from 'autocannon'

interface Started {
  port: number
  apiKey: string
  cardNumber: string
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

function run(url: string, headers: Record<string, string>, body: string, perRequestKey: boolean, seconds: number): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        method: 'POST',
        connections: 32,
        pipelining: 1,
        duration: seconds,
        headers: { 'content-type': 'application/json', ...headers },
        body,
        requests: perRequestKey
          ? [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'idempotency-key': randomUUID() } }) }]
          : undefined,
      },
      (err, r) => {
        if (err) return reject(err)
        resolve({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx })
      },
    )
  })
}

/** Earn over HTTP on loopback: the real POS earn against a bare insert+update route, same machine, same run. */
export async function benchEarnHttp(seconds = 10): Promise<{ real: HttpResult; baseline: HttpResult }> {
  const base = await startServer('baseline')
  let baseline: HttpResult
  try {
    await run(`http://127.0.0.1:${base.port}/earn`, {}, JSON.stringify({ amountMinor: 1250 }), false, 2) // warm-up
    baseline = await run(`http://127.0.0.1:${base.port}/earn`, {}, JSON.stringify({ amountMinor: 1250 }), false, seconds)
  } finally {
    base.stop()
  }
  const real = await startServer('real')
  try {
    const url = `http://127.0.0.1:${real.port}/api/pos/v1/earn`
    const headers = { authorization: `Bearer ${real.apiKey}` }
    const body = JSON.stringify({ cardNumber: real.cardNumber, amountMinor: 1250 })
    await run(url, headers, body, true, 2)
    const result = await run(url, headers, body, true, seconds)
    return { real: result, baseline }
  } finally {
    real.stop()
  }
}
