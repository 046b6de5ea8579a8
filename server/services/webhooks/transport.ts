import http from 'node:http'
import https from 'node:https'
import { guardedLookup, addressProblem, type AddressPolicy } from './address-guard.js'
import net from 'node:net'

/** What one POST to a receiver came to. */
export interface PostResult {
  /** The HTTP status, or 0 when there was none (refused, unreachable, timed out). */
  status: number
  error: string | null
  retryAfter: string | null
  ms: number
}

export type WebhookPost = (
  url: string,
  headers: Record<string, string>,
  body: string,
  opts: { timeoutMs: number; policy: AddressPolicy },
) => Promise<PostResult>

/** How much of a refusal's answer is kept (it is shown to the owner). */
const KEEP_BODY = 300

/**
 * POSTs one webhook with node's http(s), not fetch: the connection goes only to addresses the
 * policy allows (checked in `lookup`, on the address actually used), redirects are answers like any
 * other (never followed), and one timer bounds the whole exchange.
 */
export const postWebhook: WebhookPost = (url, headers, body, { timeoutMs, policy }) =>
  new Promise((resolve) => {
    const t0 = performance.now()
    let settled = false
    const done = (status: number, error: string | null, retryAfter: string | null = null) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve({ status, error, retryAfter, ms: Math.round(performance.now() - t0) })
    }
    const u = new URL(url)
    const host = u.hostname.replace(/^\[|\]$/g, '')
    // An IP literal is connected to without a lookup: judge it here.
    const literal = net.isIP(host) ? addressProblem(host, policy) : null
    if (literal) return done(0, `refused: ${literal}`)
    const lib = u.protocol === 'https:' ? https : http
    const req = lib.request(
      u,
      {
        method: 'POST',
        lookup: guardedLookup(policy),
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'LoyaltyWallet-Webhooks/1',
        },
      },
      (res) => {
        const status = res.statusCode ?? 0
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          if (text.length < KEEP_BODY) text += chunk
        })
        res.on('end', () => {
          const ok = status >= 200 && status < 300
          const redirect =
            status >= 300 && status < 400 ? ` (redirect to ${res.headers.location ?? '?'} not followed)` : ''
          const retryAfter = res.headers['retry-after']
          done(
            status,
            ok ? null : `HTTP ${status}${redirect}${text ? `: ${text.slice(0, KEEP_BODY)}` : ''}`,
            typeof retryAfter === 'string' ? retryAfter : null,
          )
        })
        res.on('error', (err) => done(status, `network: ${err.message}`))
      },
    )
    const timer = setTimeout(() => {
      done(0, `timeout: no answer within ${timeoutMs} ms`)
      req.destroy()
    }, timeoutMs)
    req.on('error', (err) => done(0, err.message.startsWith('refused') ? err.message : `network: ${err.message}`))
    req.end(body)
  })
