import { spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { freePort } from '../helpers/net.js'
import { TestClient } from '../helpers/test-app.js'

export interface ServerProcess {
  port: number
  child: ChildProcess
  output: () => string
}

/** One real server process (`tsx server/index.ts`) on the given database, ready to answer. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort()
  let out = ''
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  const deadline = Date.now() + 90_000
  while (!out.includes('Loyalty Wallet is running')) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${out}`)
    if (Date.now() > deadline) throw new Error(`server did not start:\n${out}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return { port, child, output: () => out }
}

export async function stopServerProcess(p: ServerProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return
  const exited = new Promise((r) => p.child.once('exit', r))
  p.child.kill('SIGTERM')
  await exited
}

/**
 * A round-robin reverse proxy in front of the processes, as nginx would be (docs/deploying.md):
 * each request goes to the next process in turn; a process that does not answer gets 502, as nginx
 * answers when an upstream dies mid-request (no retry: a POST is not retried by the proxy).
 */
export async function startProxy(ports: () => number[]) {
  let next = 0
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })
  const server = http.createServer((req, res) => {
    const list = ports()
    const port = list[next++ % list.length]!
    const upstream = http.request(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers, agent },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers)
        up.pipe(res)
      },
    )
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' })
      res.end('bad gateway')
    })
    req.pipe(upstream)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    base,
    close: () =>
      new Promise<void>((r) => {
        agent.destroy()
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}

/** A cookie-keeping client (TestClient) speaking real HTTP to `base`. */
export const httpClient = (base: string) =>
  new TestClient({
    request: (input: string, init?: RequestInit) => fetch(input.replace('http://localhost:3000', base), init),
  })
