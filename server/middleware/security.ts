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

/**
 * A body refused for its size is left unread: the server drains what follows only briefly (500 ms
 * or 64 MB in @hono/node-server) and then drops the socket. A client told `keep-alive` could send
 * its next request down that socket and see "socket hang up"; `Connection: close` tells it to open
 * a new one. Node ends the connection after the answer when it carries this header.
 */
export const closeAfterTooLarge: MiddlewareHandler = async (c, next) => {
  await next()
  if (c.res.status === 413) c.header('Connection', 'close')
}
