import http from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'
import { serveOverHttp } from '../helpers/net.js'

/**
 * Refusals a client can live with, over a real Node HTTP server and real sockets (app.request has
 * none): an oversized body is answered 413 with `Connection: close`, so a client that keeps
 * connections alive does not send its next request down a socket the server is about to drop.
 */
let t: TestApp
let server: Awaited<ReturnType<typeof serveOverHttp>>
let port: number
beforeEach(async () => {
  t = await makeTestApp()
  server = await serveOverHttp(t.app.fetch)
  port = server.port
})
afterEach(async () => {
  await server.close()
  await t.close()
})

interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
  reused: boolean
}

/**
 * One request on `agent`; the body is written in two parts with a pause between (a slow phone), with
 * its length or chunked. Once the answer is in, the server may close before the rest of a refused
 * body is written: that write's EPIPE is what closing means, not a failure of the answer.
 */
function send(agent: http.Agent, path: string, body?: Buffer, pauseMs = 0, chunked = false): Promise<Answer> {
  let answered = false
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        agent,
        method: body ? 'POST' : 'GET',
        headers: body
          ? { 'content-type': 'application/json', ...(chunked ? {} : { 'content-length': body.length }) }
          : {},
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (d) => (text += d))
        res.on('end', () => {
          answered = true
          resolve({ status: res.statusCode!, headers: res.headers, body: text, reused: req.reusedSocket })
        })
      },
    )
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (!(answered && (e.code === 'EPIPE' || e.code === 'ECONNRESET'))) reject(e)
    })
    if (!body) return req.end()
    const half = Math.floor(body.length / 2)
    req.write(body.subarray(0, half))
    setTimeout(() => !req.destroyed && req.end(body.subarray(half)), pauseMs)
  })
}

describe('an oversized body', () => {
  for (const [what, bytes, pauseMs] of [
    ['a JSON body a little over the limit', 200_000, 0],
    ['a big upload', 5_000_000, 0],
    ['a body sent slowly', 200_000, 800],
  ] as const) {
    it(`is refused with 413 and Connection: close, and the next request on a new connection succeeds: ${what}`, async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
      try {
        // A kept-alive connection first, as a browser or a POS client would have one.
        expect((await send(agent, '/api/health')).status).toBe(200)
        const refused = await send(agent, '/api/join', Buffer.alloc(bytes, 0x20), pauseMs)
        expect(refused.status).toBe(413)
        expect(refused.headers.connection).toBe('close')
        expect(JSON.parse(refused.body).error.code).toBe('payload_too_large')
        const next = await send(agent, '/api/health')
        expect(next.status).toBe(200)
        expect(next.reused).toBe(false)
      } finally {
        agent.destroy()
      }
    })
  }

  it('is refused the same way when it has no length and is counted as it arrives', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    try {
      const refused = await send(agent, '/api/join', Buffer.alloc(100_000, 0x20), 0, true)
      expect(refused.status).toBe(413)
      expect(refused.headers.connection).toBe('close')
      const next = await send(agent, '/api/health')
      expect(next).toMatchObject({ status: 200, reused: false })
    } finally {
      agent.destroy()
    }
  })
})

describe('a wrong method', () => {
  it('gets 405 with Allow naming the methods the path takes, where an unknown path stays 404', async () => {
    const c = t.client()
    const login = await c.get('/api/staff/login')
    expect(login.status).toBe(405)
    expect(login.headers.get('allow')).toBe('POST')
    expect(login.body.error.code).toBe('method_not_allowed')
    const card = await c.req('PATCH', '/api/me/cards/some-card')
    expect(card.status).toBe(405)
    expect(card.headers.get('allow')).toBe('GET, HEAD')
    expect((await c.get('/api/no-such-thing')).status).toBe(404)
  })
})
