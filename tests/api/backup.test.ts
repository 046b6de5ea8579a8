import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { idemKey, posTill } from '../helpers/factories.js'
import { joinedCustomer } from '../helpers/factories.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'

/* SQLite only (project api): npm run backup while the server writes. */
let t: TestApp
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(() => t.close())

function runBackup(folder: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/tools/backup.ts', folder], {
      env: { ...process.env, DATA_DIR: path.dirname(t.dbFile) },
    })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('exit', (code) => resolve({ code, out }))
  })
}

describe('online backup', () => {
  it('taken during earn load, restores to a sound database whose balances equal their ledgers', async () => {
    const till = await posTill(t)
    await t.client().get('/api/push/public-key') // the VAPID keys exist, and go with the backup
    const cards = [
      till.card,
      ...(await Promise.all([1, 2, 3, 4].map(() => joinedCustomer(t, till.slug)))).map((c) => c.card),
    ]
    let stop = false
    let acknowledged = 0
    const load = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const card = cards[(w + i) % cards.length]!
        const r = await till.earn({ cardNumber: card.cardNumber, amountMinor: 100 + i }, idemKey())
        expect(r.status).toBe(201)
        acknowledged++
      }
    }
    const writers = Array.from({ length: 6 }, (_, w) => load(w))
    await new Promise((r) => setTimeout(r, 300)) // the load is under way
    const folder = path.join(path.dirname(t.dbFile), 'backups')
    const started = acknowledged
    const backup = await runBackup(folder)
    const during = acknowledged - started
    stop = true
    await Promise.all(writers)
    expect(backup.out).toMatch(/Backup written: .*integrity ok, balances equal their ledgers/)
    expect(backup.out).toMatch(/To restore: stop the server/)
    expect(backup.code).toBe(0)
    expect(during).toBeGreaterThan(0) // the server kept writing while the copy was taken

    // Restore as the message says: the copy becomes the database file of a new data dir.
    const file = fs.readdirSync(folder).find((f) => f.endsWith('.sqlite'))!
    expect(fs.readdirSync(folder).some((f) => /^vapid-.*\.json$/.test(f))).toBe(true)
    const restored = new BetterSqlite3(path.join(folder, file), { readonly: true })
    try {
      expect(restored.pragma('integrity_check', { simple: true })).toBe('ok')
      const unbalanced = restored
        .prepare(
          `select c.id from cards c left join ledger_entries e on e.card_id = c.id
            group by c.id, c.balance having c.balance <> coalesce(sum(e.points), 0)`,
        )
        .all()
      expect(unbalanced).toEqual([])
      const { n } = restored.prepare('select count(*) as n from ledger_entries').get() as { n: number }
      expect(n).toBeGreaterThan(0)
      expect(n).toBeLessThanOrEqual(acknowledged + 5) // a snapshot of one moment (welcome bonuses aside)
      // Each earn is there with its idempotency record, or neither is: no half-written earn.
      const { orphans } = restored
        .prepare(
          `select count(*) as orphans from ledger_entries e where e.idempotency_key is not null and not exists
             (select 1 from idempotency_records r where r.key = e.idempotency_key)`,
        )
        .get() as { orphans: number }
      expect(orphans).toBe(0)
    } finally {
      restored.close()
    }
  })
})
