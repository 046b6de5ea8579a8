import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { expect } from 'vitest'
import type { TestClient } from './test-app.js'

export interface Received {
  headers: http.IncomingHttpHeaders
  body: string
  /** The webhook-id header. */
  id: string
}

/** What the receiver answers one request with; `hang` never answers, `drop` closes the connection. */
export type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hang' | 'drop'

/**
 * A real HTTP receiver on loopback that records every request and answers by `reply` (200 by
 * default); `handler` puts another request listener (the docs' receiver example) behind the recording.
 */
export async function startReceiver(
  opts: { reply?: (n: number, r: Received) => Reply; handler?: http.RequestListener } = {},
) {
  const received: Received[] = []
  const hung: http.ServerResponse[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const r = {
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        id: String(req.headers['webhook-id']),
      }
      received.push(r)
      const reply = opts.reply?.(received.length, r) ?? { status: 200 }
      if (reply === 'hang') return void hung.push(res)
      if (reply === 'drop') return void req.socket.destroy()
      if (opts.handler && reply.status === 200) {
        // Replay the body to the handler as a fresh stream.
        const fake = Object.assign(Readable.from([Buffer.from(r.body)]), {
          headers: req.headers,
          socket: req.socket,
        }) as http.IncomingMessage
        return opts.handler(fake, res)
      }
      res.writeHead(reply.status, reply.headers ?? {}).end(reply.body ?? '')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    async waitFor(n: number, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs
      while (received.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} request(s), got ${received.length}`)
        await new Promise((r) => setTimeout(r, 25))
      }
      return received[n - 1]!
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hung) res.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Registers an endpoint through the console as its owner; returns its id and secret. */
export async function addEndpoint(owner: TestClient, url: string, events: string[] = ['points.earned']) {
  const res = await owner.post('/api/merchant/webhooks', { url, events, description: 'test' })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return { id: res.body.endpoint.id as string, secret: res.body.secret as string }
}

export const LOCALHOST_OK = { WEBHOOKS_ALLOW_LOCALHOST: '1' }
