import http from 'node:http'
import net from 'node:net'
import { createRequire } from 'node:module'
import { freePort } from './net.js'

const require = createRequire(import.meta.url)

export interface TestSubscription {
  endpoint: string
  keys: { p256dh: string; auth: string }
  clientHash: string
}

/**
 * The npm package web-push-testing, started in this process: a mock push service that checks the
 * VAPID JWT against the subscription's applicationServerKey and decrypts the payload.
 */
export async function startPushService() {
  const WebPushTestingServer = require('web-push-testing/src/server.js')
  const { PushApiModel } = require('web-push-testing/src/PushApiModel.js')
  const port = await freePort()
  const server = new WebPushTestingServer(new PushApiModel(), port)
  const log = console.log
  console.log = () => {} // it announces its port
  server.startServer()
  const base = `http://localhost:${port}`
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/status`, { method: 'POST' })).ok) break
    } catch {
      if (i > 50) throw new Error('web-push-testing did not start')
      await new Promise((r) => setTimeout(r, 20))
    }
  }
  console.log = log
  const post = async (path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    let parsed: any = text
    try {
      parsed = text ? JSON.parse(text) : null
    } catch {
      /* "OK" and the like */
    }
    return { status: res.status, body: parsed }
  }
  return {
    base,
    async subscribe(applicationServerKey: string): Promise<TestSubscription> {
      const res = await post('/subscribe', { applicationServerKey, userVisibleOnly: 'true' })
      if (res.status !== 200) throw new Error(`subscribe failed: ${JSON.stringify(res.body)}`)
      return res.body.data
    },
    async messages(clientHash: string): Promise<string[]> {
      return (await post('/get-notifications', { clientHash })).body.data.messages
    },
    async expire(clientHash: string) {
      await post(`/expire-subscription/${clientHash}`)
    },
    close: () => new Promise<void>((r) => server._server.close(() => r())),
  }
}

/** A push endpoint answering what the test says (for 429 and 5xx, which web-push-testing never sends). */
export async function startScriptedEndpoint(answers: Array<{ status: number; headers?: Record<string, string> }>) {
  const seen: Array<{ headers: http.IncomingHttpHeaders; bytes: number }> = []
  const server = http.createServer((req, res) => {
    let bytes = 0
    req.on('data', (d: Buffer) => (bytes += d.length))
    req.on('end', () => {
      seen.push({ headers: req.headers, bytes })
      const a = answers[Math.min(seen.length - 1, answers.length - 1)]!
      res.writeHead(a.status, a.headers ?? {})
      res.end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const { port } = server.address() as net.AddressInfo
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise<void>((r) => server.close(() => r())) }
}
