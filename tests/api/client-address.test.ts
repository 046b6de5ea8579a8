import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../server/config.js'
import { clientFrom } from '../../server/middleware/security.js'
import { merchantWithOwner } from '../helpers/factories.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'
import { serveOverHttp } from '../helpers/net.js'

/**
 * The client's address is the one our nearest trusted proxy saw, never an entry the client wrote
 * into X-Forwarded-For itself: rotating those must not walk past a rate limit.
 */
let t: TestApp
afterEach(() => t?.close())

const join = (slug: string, forwardedFor?: string) =>
  t.client().post('/api/join', { slug, name: 'Ada' }, forwardedFor ? { 'x-forwarded-for': forwardedFor } : {})

describe('behind one proxy (TRUST_PROXY=1)', () => {
  it('stays rate-limited when the client rotates X-Forwarded-For', async () => {
    t = await makeTestApp({ TRUST_PROXY: '1', RATE_LIMIT_JOIN_PER_MIN: '3' })
    const { slug } = await merchantWithOwner(t)
    // nginx with $proxy_add_x_forwarded_for appends the address it saw after whatever the client sent.
    const statuses = []
    for (let i = 0; i < 6; i++) statuses.push((await join(slug, `10.${i}.0.1, 198.51.100.${i}, 203.0.113.7`)).status)
    expect(statuses).toEqual([201, 201, 201, 429, 429, 429])
    // Another client behind the same proxy has its own count.
    expect((await join(slug, '10.9.9.9, 203.0.113.8')).status).toBe(201)
  })

  it('reads the address nginx sets when it overwrites the header (deploy/nginx.conf)', async () => {
    t = await makeTestApp({ TRUST_PROXY: '1', RATE_LIMIT_JOIN_PER_MIN: '2' })
    const { slug } = await merchantWithOwner(t)
    expect((await join(slug, '203.0.113.7')).status).toBe(201)
    expect((await join(slug, '203.0.113.7')).status).toBe(201)
    expect((await join(slug, '203.0.113.7')).status).toBe(429)
    expect((await join(slug, '203.0.113.9')).status).toBe(201)
  })
})

describe('with no proxy trusted (the default)', () => {
  it('ignores X-Forwarded-For altogether', async () => {
    t = await makeTestApp({ RATE_LIMIT_JOIN_PER_MIN: '2' })
    const { slug } = await merchantWithOwner(t)
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await join(slug, `203.0.113.${i}`)).status)
    expect(statuses).toEqual([201, 201, 429])
  })
})

describe('behind proxies named by address (TRUST_PROXY=127.0.0.1,10.0.0.0/8)', () => {
  it('takes the rightmost address that is not one of ours, over a real connection', async () => {
    t = await makeTestApp({ TRUST_PROXY: '127.0.0.1,10.0.0.0/8', RATE_LIMIT_JOIN_PER_MIN: '2' })
    const { slug } = await merchantWithOwner(t)
    const server = await serveOverHttp(t.app.fetch)
    const url = `${server.base}/api/join`
    try {
      const statuses = []
      for (let i = 0; i < 3; i++) {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `spoof-${i}, 198.51.100.9, 10.1.2.3` },
          body: JSON.stringify({ slug, name: 'Ada' }),
        })
        statuses.push(res.status)
      }
      expect(statuses).toEqual([201, 201, 429])
    } finally {
      await server.close()
    }
  })
})

describe('clientFrom', () => {
  const xff = '6.6.6.6, 198.51.100.9, 10.0.0.2'
  it('counts hops from the right, the peer being the nearest', () => {
    expect(clientFrom('10.0.0.1', xff, { hops: 0 })).toBe('10.0.0.1')
    expect(clientFrom('10.0.0.1', xff, { hops: 1 })).toBe('10.0.0.2')
    expect(clientFrom('10.0.0.1', xff, { hops: 2 })).toBe('198.51.100.9')
    // Fewer entries than hops: the leftmost there is (someone reached the server past a proxy).
    expect(clientFrom('10.0.0.1', undefined, { hops: 2 })).toBe('10.0.0.1')
  })

  it('skips our proxies by address and range, and only them', () => {
    const ours = { proxies: ['10.0.0.0/8', '::1'] }
    expect(clientFrom('10.0.0.1', xff, ours)).toBe('198.51.100.9')
    expect(clientFrom('::ffff:10.0.0.1', xff, ours)).toBe('198.51.100.9')
    expect(clientFrom('::1', '[2001:db8::5]:443', ours)).toBe('2001:db8::5')
    // A peer that is not ours is the client, whatever it says it forwards.
    expect(clientFrom('192.0.2.50', xff, ours)).toBe('192.0.2.50')
  })

  it('is configured by hops, by addresses, or refused with a sentence', () => {
    const trust = (v: string) => loadConfig({ TRUST_PROXY: v }).trustProxy
    expect(trust('1')).toEqual({ hops: 1 })
    expect(trust('true')).toEqual({ hops: 1 })
    expect(trust('false')).toEqual({ hops: 0 })
    expect(trust('2')).toEqual({ hops: 2 })
    expect(trust('127.0.0.1, 10.0.0.0/8, fd00::/8')).toEqual({ proxies: ['127.0.0.1', '10.0.0.0/8', 'fd00::/8'] })
    expect(() => trust('yes')).toThrow(ConfigError)
    expect(() => trust('10.0.0.0/40')).toThrow(/proxy hops.*10\.0\.0\.0\/40/)
  })
})
