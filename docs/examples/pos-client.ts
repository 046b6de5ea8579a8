/**
 * An example POS client for the Loyalty Wallet earn API (docs/pos-api.md): TypeScript with `fetch`
 * only (Node 18+, Deno, Bun, a browser-based till). Copy it into your till software and adapt.
 * tests/api/pos-examples.test.ts runs this file against the real server, so it stays true.
 *
 *   const pos = posClient({ baseUrl: 'https://wallet.example.com', apiKey: process.env.API_KEY! })
 *   const { balance } = await pos.earn({ cardNumber: 'ABCD2345', amountMinor: 1250 }, 'till1-receipt-0042')
 */

export interface EarnRequest {
  /** The 8 characters under the customer's QR; or send `code`, the text a scanner read. Exactly one. */
  cardNumber?: string
  code?: string
  /** The purchase in integer minor units (1250 = 12.50). */
  amountMinor: number
  /** The part paid with a reward (earns nothing); at most amountMinor. */
  discountMinor?: number
  /** Your receipt or order id, up to 100 characters. */
  reference?: string
}

export interface EarnResult {
  entry: { id: string; kind: string; points: number; balanceAfter: number; reason: string; createdAt: string }
  balance: number
}

/** A refusal from the server: `code` is stable (card_not_found, idempotency_conflict, ...), `message` is for people. */
export class PosError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'PosError'
  }
}

export interface PosClientOptions {
  baseUrl: string
  apiKey: string
  /** Tries after the first, on a lost connection, a timeout, a 5xx or a 429 (default 3). */
  retries?: number
  /** Per try (default 10 s). */
  timeoutMs?: number
  /** Wait before try n is n times this (default 500 ms); a 429's Retry-After wins. */
  backoffMs?: number
  fetch?: typeof fetch
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export function posClient(options: PosClientOptions) {
  const { baseUrl, apiKey, retries = 3, timeoutMs = 10_000, backoffMs = 500 } = options
  const send = options.fetch ?? fetch

  return {
    /**
     * Points for one purchase. `idempotencyKey` names the purchase (8 to 128 printable characters,
     * e.g. till and receipt number): every retry sends the same key, so a purchase earns once however
     * often the answer was lost. The server keeps answers 24 hours; a new purchase needs a new key.
     */
    async earn(request: EarnRequest, idempotencyKey: string): Promise<EarnResult> {
      for (let attempt = 0; ; attempt++) {
        let res: Response
        try {
          res = await send(`${baseUrl.replace(/\/$/, '')}/api/pos/v1/earn`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${apiKey}`,
              'idempotency-key': idempotencyKey,
              'content-type': 'application/json',
            },
            body: JSON.stringify(request),
            signal: AbortSignal.timeout(timeoutMs),
          })
        } catch (e) {
          // No answer (connection lost, timeout): the earn may or may not have happened. Retrying
          // with the same key is safe: it replays the stored answer or runs once.
          if (attempt < retries) {
            await sleep(backoffMs * (attempt + 1))
            continue
          }
          throw e
        }
        if (res.status === 201) return (await res.json()) as EarnResult
        if ((res.status >= 500 || res.status === 429) && attempt < retries) {
          const after = Number(res.headers.get('retry-after'))
          await sleep(after > 0 ? after * 1000 : backoffMs * (attempt + 1))
          continue
        }
        // Any other 4xx is final: retrying the same request gets the same answer.
        const body = (await res.json().catch(() => null)) as {
          error?: { code: string; message: string; details?: unknown }
        } | null
        throw new PosError(
          res.status,
          body?.error?.code ?? 'http_' + res.status,
          body?.error?.message ?? res.statusText,
          body?.error?.details,
        )
      }
    },
  }
}

// Run directly: LW_URL=... API_KEY=... npx tsx docs/examples/pos-client.ts <card number> <amount minor> <key>
if (typeof process !== 'undefined' && import.meta.url === `file://${process.argv[1]}`) {
  const [cardNumber, amount, key] = process.argv.slice(2)
  const pos = posClient({ baseUrl: process.env.LW_URL ?? 'http://localhost:3000', apiKey: process.env.API_KEY ?? '' })
  pos
    .earn({ cardNumber, amountMinor: Number(amount) }, key ?? `example-${Date.now()}`)
    .then((r) => console.log(`+${r.entry.points} points, balance ${r.balance}`))
    .catch((e: unknown) => {
      console.error(e instanceof PosError ? `${e.status} ${e.code}: ${e.message}` : e)
      process.exitCode = 1
    })
}
