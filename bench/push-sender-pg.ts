/**
 * One sender process of the push-fanout-pg benchmark: drains the shared outbox of the database it
 * is given (its own pool, its own encryption thread) and prints its report as one JSON line.
 */
import { loadConfig } from '../server/config.js'
import { openPgDb } from '../server/db/connection.js'
import { systemClock } from '../server/domain/clock.js'
import { closeSharedEncryptPool } from '../server/push/encrypt-pool.js'
import type { Deps } from '../server/services/common/deps.js'
import { PushSender } from '../server/services/push/sender.js'

const [url, dataDir] = process.argv.slice(2) as [string, string]
const config = loadConfig({
  NODE_ENV: 'test',
  DATA_DIR: dataDir,
  DATABASE_URL: url,
  PUSH_CONCURRENCY: process.env.PUSH_CONCURRENCY ?? '64',
  PUSH_ENCRYPT_THREADS: process.env.PUSH_ENCRYPT_THREADS,
})
const opened = await openPgDb(url)
const deps: Deps = { db: opened.db, clock: systemClock, config, setupToken: null }
const t0 = performance.now()
const report = await new PushSender(deps).drain()
console.log(JSON.stringify({ ...report, seconds: (performance.now() - t0) / 1000 }))
await closeSharedEncryptPool()
await opened.close()
