import type { AddressInfo } from 'node:net'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { expect } from 'vitest'
import { idemKey, scan } from './factories.js'
import { SoftAuthenticator } from './soft-authenticator.js'
import type { TestApp, TestClient } from './test-app.js'
import { all, get } from './db.js'

export const ORIGIN = 'http://localhost:3000'

/** A real SMTP server on a free port; every message it receives is parsed into `inbox`. */
export async function startMailbox() {
  const inbox: ParsedMail[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          inbox.push(mail)
          callback()
        })
        .catch(callback)
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as AddressInfo).port
  return {
    url: `smtp://127.0.0.1:${port}`,
    inbox,
    /** Waits for the n-th message (1-based) to arrive. */
    async waitFor(n: number, timeoutMs = 5000): Promise<ParsedMail> {
      const deadline = Date.now() + timeoutMs
      while (inbox.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} message(s), got ${inbox.length}`)
        await new Promise((r) => setTimeout(r, 20))
      }
      return inbox[n - 1]!
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** The sign-in link in a received message, and its token. */
export function linkIn(mail: ParsedMail): { url: string; token: string } {
  const m = /(http:\/\/localhost:3000\/signin\/email\?token=([A-Za-z0-9_-]+))/.exec(mail.text ?? '')
  expect(m, 'a sign-in link in the message').not.toBeNull()
  return { url: m![1]!, token: m![2]! }
}

/** Creates a passkey for the client's wallet on a software authenticator. */
export async function addPasskey(client: TestClient, authenticator = new SoftAuthenticator(ORIGIN), name?: string) {
  const options = await client.post('/api/me/passkeys/options')
  expect(options.status).toBe(200)
  const res = await client.post('/api/me/passkeys', { response: authenticator.register(options.body), name })
  expect(res.status).toBe(201)
  return { authenticator, passkey: res.body as { id: string; name: string } }
}

/** Signs `client` in with the authenticator's passkey. */
export async function passkeySignIn(client: TestClient, authenticator: SoftAuthenticator) {
  const options = await client.post('/api/auth/passkey/options')
  expect(options.status).toBe(200)
  return client.post('/api/auth/passkey', { response: authenticator.authenticate(options.body) })
}

export async function earn(
  t: TestApp,
  staff: TestClient,
  card: { cardNumber: string; totpSecret: string },
  amountMinor: number,
) {
  const handle = await scan(t, staff, card)
  const res = await staff.post('/api/staff/earn', { handle, amountMinor }, { 'idempotency-key': idemKey() })
  expect(res.status).toBe(201)
  return res.body.balance as number
}

/** Every card's cached balance equals the sum of its ledger; returns the offending cards (none). */
export async function unbalancedCards(t: TestApp): Promise<unknown[]> {
  return await all(
    t.db,
    `select c.id, c.balance, coalesce(sum(e.points), 0) as total from cards c left join ledger_entries e on e.card_id = c.id
       group by c.id having c.balance != coalesce(sum(e.points), 0)`,
  )
}

/**
 * What the database holds, as one buffer to search. SQLite: the file and its WAL after a
 * checkpoint, whose secure_delete overwrites erased bytes. PostgreSQL keeps erased bytes in dead
 * row versions until VACUUM reuses the space (docs/deploying.md), so there the search covers every
 * live row of every table: what any query, dump or backup can still return.
 */
export async function databaseBytes(t: TestApp, fs: typeof import('node:fs')): Promise<Buffer> {
  if (t.backend === 'postgres') {
    const tables = await all<{ name: string }>(
      t.db,
      "select table_name as name from information_schema.tables where table_schema = 'public'",
    )
    const text = await Promise.all(
      tables.map(
        async ({ name }) => (await get(t.db, `select string_agg(x::text, ' ') as s from "${name}" x`))?.s ?? '',
      ),
    )
    return Buffer.from(text.join('\n'))
  }
  t.sqlite.pragma('wal_checkpoint(TRUNCATE)')
  const parts = [fs.readFileSync(t.dbFile)]
  if (fs.existsSync(`${t.dbFile}-wal`)) parts.push(fs.readFileSync(`${t.dbFile}-wal`))
  return Buffer.concat(parts)
}
