/**
 * A webhook receiver for Loyalty Wallet, in TypeScript on Node's own http and crypto (no framework).
 * It checks what docs/webhooks.md says to check, in this order:
 *
 *  1. the timestamp is within 5 minutes of now (an old, replayed request is refused);
 *  2. one of the `webhook-signature` entries is the HMAC-SHA256 of `id.timestamp.body` with your
 *     secret's key (two are sent while the business rotates its secret: either may match);
 *  3. the `webhook-id` was not handled before: retries and resends carry the same id, so at least
 *     once becomes exactly once here.
 *
 * Answer 2xx quickly and do slow work afterwards: we wait 15 s at most, then retry.
 * Run it: WEBHOOK_SECRET=whsec_… PORT=8787 npx tsx docs/examples/webhook-receiver.ts
 * The tests (tests/api/webhook-delivery.test.ts) run this file against the real sender.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import http from 'node:http'
import { pathToFileURL } from 'node:url'

export interface WebhookEvent {
  id: string
  type: string
  timestamp: string
  businessId: string
  data: Record<string, unknown>
}

export class WebhookVerificationError extends Error {}

const TOLERANCE_SECONDS = 5 * 60

/** Checks the signature and the timestamp; returns the event, or throws WebhookVerificationError. */
export function verifyWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): WebhookEvent {
  const header = (name: string) => {
    const v = headers[name]
    return Array.isArray(v) ? v[0] : v
  }
  const id = header('webhook-id')
  const timestamp = header('webhook-timestamp')
  const signatures = header('webhook-signature')
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('missing webhook headers')
  const ts = Number(timestamp)
  if (!Number.isInteger(ts) || Math.abs(nowSeconds - ts) > TOLERANCE_SECONDS)
    throw new WebhookVerificationError('timestamp too far from now')
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest()
  const matches = signatures.split(' ').some((entry) => {
    const [version, sig] = entry.split(',')
    if (version !== 'v1' || !sig) return false
    const given = Buffer.from(sig, 'base64')
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
  if (!matches) throw new WebhookVerificationError('no signature matches')
  const event = JSON.parse(body) as WebhookEvent
  if (event.id !== id) throw new WebhookVerificationError('body id differs from webhook-id')
  return event
}

export interface ReceiverOptions {
  secret: string
  /** Called once per event id. Throwing answers 500, and we will retry. */
  onEvent: (event: WebhookEvent) => void | Promise<void>
  /** Seconds since the epoch; tests pass their clock. */
  now?: () => number
  /** Ids handled already. A Set here; in production, a table with the id as its primary key. */
  seen?: Set<string>
}

/** An http request handler that verifies, deduplicates on the id, and hands each new event over once. */
export function webhookHandler(opts: ReceiverOptions): http.RequestListener {
  const seen = opts.seen ?? new Set<string>()
  return (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8')
        let event: WebhookEvent
        try {
          event = verifyWebhook(opts.secret, req.headers, body, opts.now?.())
        } catch (err) {
          res.writeHead(400).end(err instanceof WebhookVerificationError ? err.message : 'bad request')
          return
        }
        if (seen.has(event.id)) {
          res.writeHead(200).end('duplicate: already handled')
          return
        }
        seen.add(event.id) // before the work: a copy arriving meanwhile is a duplicate too
        try {
          await opts.onEvent(event)
          res.writeHead(200).end('ok')
        } catch {
          seen.delete(event.id) // not handled: let the retry in
          res.writeHead(500).end('failed; retry later')
        }
      })()
    })
  }
}

// Run directly: a receiver on PORT that prints each event.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const secret = process.env.WEBHOOK_SECRET
  if (!secret) throw new Error('Set WEBHOOK_SECRET to the whsec_… secret the console showed.')
  const port = Number(process.env.PORT ?? 8787)
  http
    .createServer(webhookHandler({ secret, onEvent: (e) => console.log(e.type, e.id, JSON.stringify(e.data)) }))
    .listen(port, () => console.log(`webhook receiver on http://localhost:${port}`))
}
