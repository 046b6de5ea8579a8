import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeTx } from '../../server/db/connection.js'
import { claimOutbox } from '../../server/db/queries/push-outbox.js'
import { sendDueOffers } from '../../server/services/push/automations.js'
import { PushSender } from '../../server/services/push/sender.js'
import { all, get } from '../helpers/db.js'
import { merchantWithOwner } from '../helpers/factories.js'
import { addDevice, member } from '../helpers/push.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'

/*
 * PostgreSQL only (vitest.config.ts PG_ONLY): several processes send pushes from one outbox there, so
 * a process that starts must not fail the rows another live process holds under its lease. (SQLite
 * is one process: at its start nothing else can be sending.)
 */
let t: TestApp
let other: Awaited<ReturnType<TestApp['sibling']>>
beforeEach(async () => {
  t = await makeTestApp()
  other = await t.sibling()
})
afterEach(async () => {
  await other.close()
  await t.close()
})

describe('push outbox leases across processes', () => {
  it('leave alone, at a process start, the rows another live process is sending', async () => {
    const m = await merchantWithOwner(t)
    const mem = await member(t, m.slug)
    await addDevice(mem.client)
    await m.owner.post('/api/merchant/push/offers', { title: 'Hi', body: 'Offer' })
    await sendDueOffers(t.deps)
    // Process one has claimed the row (its lease runs 10 minutes) and is sending it.
    const now = t.clock.now()
    const until = new Date(now.getTime() + 10 * 60_000).toISOString()
    await writeTx(t.db, async (tx) => {
      const ids = (await all<{ id: string }>(tx, 'select id from push_outbox')).map((r) => r.id)
      await claimOutbox(tx, ids, now.toISOString(), until)
    })
    // Process two starts: nothing of process one's is failed.
    expect(await new PushSender(other.deps).recover()).toBe(0)
    // Process one dies; once its lease is over, recovery fails the row rather than send it twice.
    t.clock.advance(11 * 60_000)
    expect(await new PushSender(other.deps).recover()).toBe(1)
    expect(await get(t.db, 'select state from push_outbox')).toEqual({ state: 'failed' })
  })
})
