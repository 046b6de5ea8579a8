import type { MiddlewareHandler } from 'hono'
import { getConnInfo } from '@hono/node-server/conninfo'
import { BlockList, isIP } from 'node:net'
import { bodyLimit } from 'hono/body-limit'
import { rateLimiter, type Store } from 'hono-rate-limiter'
import type { Context } from 'hono'
import { refuses } from './documented.js'
import { errorJson } from './errors.js'
import type { AppEnv } from './env.js'
import type { TrustProxy } from '../config.js'
import type { Deps } from '../services/common/deps.js'
import { hit, unhit } from '../services/common/rate-limits.js'

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Unsafe requests from a browser must come from our own origin. Requests without an Origin header
 * (a POS, curl) carry no ambient cookies of a victim, so they pass; their auth is checked per route.
 */
export function checkOrigin(allowed: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (UNSAFE.has(c.req.method)) {
      const origin = c.req.header('origin')
      const site = c.req.header('sec-fetch-site')
      // Our own address is worked out only for a foreign-looking Origin (a POS sends none).
      if ((origin && origin !== allowed && origin !== new URL(c.req.url).origin) || site === 'cross-site') {
        return errorJson(c, 403, 'origin_mismatch', 'This request came from another site and was refused.')
      }
    }
    await next()
  }
}

const blockLists = new WeakMap<TrustProxy, BlockList>()
function proxyList(trust: TrustProxy & { proxies: string[] }): BlockList {
  let list = blockLists.get(trust)
  if (!list) {
    list = new BlockList()
    for (const p of trust.proxies) {
      const [addr, bits] = p.split('/') as [string, string | undefined]
      const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4'
      if (bits === undefined) list.addAddress(addr, type)
      else list.addSubnet(addr, Number(bits), type)
    }
    blockLists.set(trust, list)
  }
  return list
}

/** "::ffff:10.0.0.1" is 10.0.0.1; "[::1]:443" and "10.0.0.1:443" lose the port. */
function bareAddress(a: string): string {
  let s = a.trim()
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s)
  if (bracketed) s = bracketed[1]!
  else if (/^[\d.]+:\d+$/.test(s)) s = s.slice(0, s.lastIndexOf(':'))
  return s.toLowerCase().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1')
}

/**
 * The client's address from the connection's peer and X-Forwarded-For, believing only what our own
 * proxies wrote (see TrustProxy in config.ts): each proxy appends the address it saw, so the chain
 * reads client-written entries on the left, then one entry per proxy of ours, then the peer.
 */
export function clientFrom(peer: string, forwardedFor: string | undefined, trust: TrustProxy): string {
  if (trust.hops === 0) return peer
  const chain = [...(forwardedFor ?? '').split(','), peer].map(bareAddress).filter(Boolean)
  if (trust.hops !== undefined) return chain[Math.max(0, chain.length - 1 - trust.hops)]!
  const ours = proxyList(trust)
  for (let i = chain.length - 1; i > 0; i--) {
    const a = chain[i]!
    const type = isIP(a) === 6 ? 'ipv6' : isIP(a) === 4 ? 'ipv4' : null
    if (!type || !ours.check(a, type)) return a
  }
  return chain[0]!
}

export function clientAddress(c: Context, trustProxy: TrustProxy): string {
  let peer = 'unknown'
  try {
    peer = getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    /* no socket (app.request in tests) */
  }
  return clientFrom(peer, c.req.header('x-forwarded-for'), trustProxy)
}

const WINDOW_MS = 60_000

/**
 * Hits counted in the database (services/common/rate-limits.ts), so that every server process
 * behind the proxy counts toward the same limit; `name` keeps each limiter's keys apart.
 */
function databaseStore(deps: Deps, name: string): Store<AppEnv> {
  const k = (key: string) => `${name}:${key}`
  return {
    localKeys: false,
    async increment(key) {
      const r = await hit(deps, k(key), WINDOW_MS)
      return { totalHits: r.hits, resetTime: r.resetAt }
    },
    decrement: (key) => unhit(deps, k(key), WINDOW_MS),
    resetKey: (key) => unhit(deps, k(key), WINDOW_MS),
  }
}

/** A per-minute limit on an abusable action; keyed by address unless a key function is given. */
export function limitPerMinute(
  deps: Deps,
  name: string,
  limit: number,
  key?: (c: Context<AppEnv>) => string,
): MiddlewareHandler<AppEnv> {
  const trustProxy = deps.config.trustProxy
  const mw = rateLimiter<AppEnv>({
    store: databaseStore(deps, name),
    windowMs: WINDOW_MS,
    limit,
    standardHeaders: 'draft-6',
    keyGenerator: (c) => key?.(c) ?? clientAddress(c, trustProxy),
    handler: (c) => errorJson(c, 429, 'rate_limited', 'Too many attempts. Please wait a minute and try again.'),
  })
  return refuses(mw, { 429: 'rate_limited: too many attempts this minute' })
}

/**
 * A request body cap that trusts a Content-Length header when there is one (Node's HTTP parser never
 * reads past it), and counts the bytes of a chunked body otherwise. Unlike hono's bodyLimit alone it
 * does not touch the body to decide, so the JSON fast path of @hono/node-server stays available and
 * a GET costs nothing.
 */
export function limitBody(
  maxSize: number,
  onError: Parameters<typeof bodyLimit>[0]['onError'],
): MiddlewareHandler<AppEnv> {
  const counting = bodyLimit({ maxSize, onError })
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next()
    const length = c.req.header('content-length')
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      const n = Number(length)
      if (Number.isSafeInteger(n) && n >= 0 && n <= maxSize) return next()
    }
    return counting(c, next)
  }
}

/** How much of a refused body is read and thrown away before the 413 goes out, at most. */
const LINGER_BYTES = 16 * 1024 * 1024
const LINGER_MS = 2_000

/**
 * A body refused for its size would be left unread, and the socket dropped after the answer: a
 * client told `keep-alive` could send its next request down it and see "socket hang up", so the
 * answer says `Connection: close` (Node ends the connection after it). And a client still writing
 * its body when the socket closes gets EPIPE or a reset and may never read the 413: so, as nginx's
 * lingering close does, the rest of the body is read and discarded first, up to 16 MB or 2 seconds;
 * past that the connection is closed anyway.
 */
export const closeAfterTooLarge: MiddlewareHandler = async (c, next) => {
  await next()
  if (c.res.status !== 413) return
  c.header('Connection', 'close')
  await discardBody(c.req.raw)
}

async function discardBody(req: Request): Promise<void> {
  if (!req.body || req.bodyUsed) return
  let reader: ReadableStreamDefaultReader<Uint8Array>
  try {
    reader = req.body.getReader()
  } catch {
    return // already being read (the counting limit): it stopped reading where it refused
  }
  const deadline = Date.now() + LINGER_MS
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<null>((r) => (timer = setTimeout(() => r(null), LINGER_MS)))
  try {
    for (let read = 0; read <= LINGER_BYTES && Date.now() < deadline; ) {
      const chunk = await Promise.race([reader.read(), late])
      if (!chunk || chunk.done) break
      read += chunk.value.byteLength
    }
  } catch {
    // The client went away: nothing left to read.
  } finally {
    clearTimeout(timer)
    reader.cancel().catch(() => {})
  }
}
