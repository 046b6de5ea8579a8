import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import readline from 'node:readline'
import autocannon from 'autocannon'
const mode = process.argv[2] ?? 'real'
const extra = process.argv.slice(3)
const child = spawn(process.execPath, [...extra, '--import', 'tsx', 'bench/earn-server.ts', mode], { stdio: ['ignore', 'pipe', 'inherit'] })
const rl = readline.createInterface({ input: child.stdout })
const [line] = (await once(rl, 'line')) as [string]
const info = JSON.parse(line)
const url = mode === 'real' ? `http://127.0.0.1:${info.port}/api/pos/v1/earn` : `http://127.0.0.1:${info.port}/earn`
let next = 0
const go = (d: number) => new Promise<any>((res, rej) => autocannon({ url, method: 'POST', connections: 32, duration: d,
  headers: { 'content-type': 'application/json', authorization: `Bearer ${info.apiKey}` },
  requests: [{ setupRequest: (req: any) => ({ ...req, headers: { ...req.headers, 'idempotency-key': randomUUID() }, body: JSON.stringify({ cardNumber: info.cardNumbers[next++ % info.cardNumbers.length], amountMinor: 1250 }) }) }] },
  (e: any, r: any) => (e ? rej(e) : res(r))))
await go(2)
const r = await go(Number(process.env.D ?? 6))
console.log(mode, Math.round(r.requests.average), 'req/s p50', r.latency.p50, 'non2xx', r.non2xx, 'errors', r.errors)
child.kill('SIGTERM')
await once(child, 'exit')
