import { execFile } from 'node:child_process'
import fs from 'node:fs'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PosError, posClient } from '../../docs/examples/pos-client.js'
import { countOf } from '../helpers/db.js'
import { idemKey, posTill } from '../helpers/factories.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'
import { serveOverHttp } from '../helpers/net.js'

/**
 * The examples published in docs/pos-api.md, run as an integrator would: the curl block as written
 * (only the card number is ours) and docs/examples/pos-client.ts, over a real HTTP server.
 */
let t: TestApp
let server: Awaited<ReturnType<typeof serveOverHttp>>
let url: string
let till: Awaited<ReturnType<typeof posTill>>
beforeEach(async () => {
  t = await makeTestApp()
  till = await posTill(t)
  server = await serveOverHttp(t.app.fetch)
  url = server.base
})
afterEach(async () => {
  await server.close()
  await t.close()
})

const entries = () => countOf(t.db, 'select count(*) as n from ledger_entries where card_id = ?', till.card.id)

function curlBlock(): string {
  const doc = fs.readFileSync('docs/pos-api.md', 'utf8')
  const block = /## The call\s+```sh\n([\s\S]*?)```/.exec(doc)?.[1]
  if (!block) throw new Error('docs/pos-api.md has no sh block under "## The call"')
  return block
}

describe('the curl example in docs/pos-api.md', () => {
  it('earns once, however often it is run', async () => {
    const script = curlBlock().replace('ABCD2345', till.card.cardNumber)
    const run = () =>
      promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
        env: { ...process.env, LW_URL: url, API_KEY: till.apiKey.key },
      })
    const before = await entries()
    const first = JSON.parse((await run()).stdout) as { entry: { id: string; points: number }; balance: number }
    expect(first.entry.points).toBe(125)
    const again = JSON.parse((await run()).stdout) as typeof first
    expect(again).toEqual(first)
    expect(await entries()).toBe(before + 1)
  })
})

describe('the TypeScript example client', () => {
  it('earns, and replays the same purchase instead of earning twice', async () => {
    const pos = posClient({ baseUrl: url, apiKey: till.apiKey.key })
    const key = idemKey()
    const before = await entries()
    const first = await pos.earn({ cardNumber: till.card.cardNumber, amountMinor: 1250 }, key)
    expect(first.entry.points).toBe(125)
    expect(await pos.earn({ cardNumber: till.card.cardNumber, amountMinor: 1250 }, key)).toEqual(first)
    expect(await entries()).toBe(before + 1)
  })

  it('retries an answer lost on the way back with the same key: the purchase earns once', async () => {
    let lost = 0
    const pos = posClient({
      baseUrl: url,
      apiKey: till.apiKey.key,
      backoffMs: 1,
      // The request reaches the server and is done; the till never hears back, once.
      fetch: async (input, init) => {
        const res = await fetch(input, init)
        if (lost++ === 0) throw new TypeError('fetch failed: socket hang up')
        return res
      },
    })
    const before = await entries()
    const r = await pos.earn({ cardNumber: till.card.cardNumber, amountMinor: 2000 }, idemKey())
    expect(lost).toBe(2)
    expect(r.entry.points).toBe(200)
    expect(await entries()).toBe(before + 1)
  })

  it('turns refusals into PosError with the error code, without retrying them', async () => {
    const pos = posClient({ baseUrl: url, apiKey: till.apiKey.key })
    const key = idemKey()
    await pos.earn({ cardNumber: till.card.cardNumber, amountMinor: 500 }, key)
    const refused = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: unknown) => e as PosError,
      )
    const conflict = await refused(pos.earn({ cardNumber: till.card.cardNumber, amountMinor: 600 }, key))
    expect(conflict).toMatchObject({ name: 'PosError', status: 409, code: 'idempotency_conflict' })
    const unknown = await refused(pos.earn({ cardNumber: 'ZZZZ9999', amountMinor: 500 }, idemKey()))
    expect(unknown).toMatchObject({ status: 404, code: 'card_not_found' })
    const bad = await refused(
      posClient({ baseUrl: url, apiKey: 'not-a-key' }).earn(
        { cardNumber: till.card.cardNumber, amountMinor: 1 },
        idemKey(),
      ),
    )
    expect(bad).toMatchObject({ status: 401, code: 'unauthenticated' })
    const invalid = await refused(pos.earn({ cardNumber: till.card.cardNumber, amountMinor: -5 }, idemKey()))
    expect(invalid).toMatchObject({ status: 400, code: 'validation_failed' })
  })
})
