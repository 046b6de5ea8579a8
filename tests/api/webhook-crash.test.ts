import { afterEach, expect, it } from 'vitest'
import { verifyWebhook } from '../../docs/examples/webhook-receiver.js'
import { startServerProcess, stopServerProcess, type ServerProcess } from '../cluster/harness.js'
import { get } from '../helpers/db.js'
import { idemKey, posTill } from '../helpers/factories.js'
import { makeTestApp, TestClient, type TestApp } from '../helpers/test-app.js'
import { addEndpoint, LOCALHOST_OK, startReceiver } from '../helpers/webhooks.js'

/*
 * kill -9 of a real server process (`tsx server/index.ts`) after the award committed, while its
 * sender waits on the receiver: after a restart the delivery is sent again with the same webhook-id.
 * On SQLite the restarted process hands back every row left in `sending` at start; on PostgreSQL
 * other processes may be sending theirs, so it waits for the lease (20 s here) to run out.
 */
let t: TestApp | undefined
const procs: ServerProcess[] = []
let closeReceiver: (() => Promise<void>) | undefined
afterEach(async () => {
  for (const p of procs.splice(0)) await stopServerProcess(p)
  await closeReceiver?.()
  await t?.close()
})

it('delivers after a kill -9 and restart, with the same webhook-id', { timeout: 120_000 }, async () => {
  t = await makeTestApp(LOCALHOST_OK)
  const receiver = await startReceiver({ reply: (n) => (n === 1 ? 'hang' : { status: 200 }) })
  closeReceiver = receiver.close
  const till = await posTill(t)
  const hook = await addEndpoint(till.owner, receiver.url, ['points.earned'])
  const cfg = t.deps.config
  const env = {
    NODE_ENV: 'test',
    DATA_DIR: cfg.dataDir,
    ...(cfg.databaseUrl ? { DATABASE_URL: cfg.databaseUrl, DATABASE_POOL_SIZE: '4' } : {}),
    ...LOCALHOST_OK,
    WEBHOOK_CLAIM_LEASE_SECONDS: '20',
    PUSH_ENCRYPT_THREADS: '0',
  }
  const first = await startServerProcess(env)
  procs.push(first)
  const pos = new TestClient({
    request: (input: string, init?: RequestInit) =>
      fetch(input.replace('http://localhost:3000', `http://127.0.0.1:${first.port}`), init),
  })
  const earned = await pos.post(
    '/api/pos/v1/earn',
    { cardNumber: till.card.cardNumber, amountMinor: 900 },
    { authorization: `Bearer ${till.apiKey.key}`, 'idempotency-key': idemKey() },
  )
  expect(earned.status).toBe(201) // committed
  const hung = await receiver.waitFor(1, 30_000) // its sender is waiting on the answer now
  first.child.kill('SIGKILL')
  await new Promise((r) => first.child.once('exit', r))
  expect(await get(t.db, 'select state from webhook_deliveries where endpoint_id = ?', hook.id)).toEqual({
    state: 'sending',
  })

  procs.push(await startServerProcess(env))
  const again = await receiver.waitFor(2, 60_000)
  expect(again.id).toBe(hung.id)
  expect(again.body).toBe(hung.body)
  const now = Math.floor(Date.now() / 1000)
  expect(verifyWebhook(hook.secret, again.headers, again.body, now).type).toBe('points.earned')
  for (let i = 0; i < 100; i++) {
    const d = await get<{ state: string }>(t.db, 'select state from webhook_deliveries where endpoint_id = ?', hook.id)
    if (d?.state === 'delivered') break
    await new Promise((r) => setTimeout(r, 100))
  }
  expect(await get(t.db, 'select state from webhook_deliveries where endpoint_id = ?', hook.id)).toEqual({
    state: 'delivered',
  })
})
