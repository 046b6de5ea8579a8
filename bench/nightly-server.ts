/**
 * The server process of the nightly-jobs benchmark: the app over the generated SQLite file, with a
 * clock the benchmark sets, serving HTTP (the card read measured beside the jobs) and running the
 * program jobs on command: a line `run <ISO time>` on stdin runs expirePoints, reevaluateTiers and
 * grantBirthdayBonuses at that time, one after another as the scheduler would, and prints a line
 * `RESULT {json}` with what each took and returned.
 */
import readline from 'node:readline'
import { createApp } from '../server/app.js'
import { listen } from '../server/listen.js'
import { loadConfig } from '../server/config.js'
import { openDb } from '../server/db/connection.js'
import { FixedClock } from '../server/domain/clock.js'
import { expirePoints, grantBirthdayBonuses, reevaluateTiers } from '../server/services/program/jobs.js'

const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: process.argv[2]!, PORT: '0', HOST: '127.0.0.1' })
const opened = openDb(config.dbFile, { backgroundCheckpoints: true })
const clock = new FixedClock(new Date(process.argv[3]!))
const deps = { db: opened.db, clock, config, setupToken: null }
const app = createApp(deps)

listen(app.fetch, { port: 0, hostname: '127.0.0.1' }, (a) => console.log(`READY ${JSON.stringify({ port: a.port })}`))

const jobs = { expirePoints, reevaluateTiers, grantBirthdayBonuses }
for await (const line of readline.createInterface({ input: process.stdin })) {
  const [cmd, at] = line.split(' ')
  if (cmd !== 'run') continue
  clock.set(at!)
  const out: Record<string, { ms: number; result: unknown }> = {}
  for (const [name, job] of Object.entries(jobs)) {
    const t0 = performance.now()
    const result = await job(deps)
    out[name] = { ms: performance.now() - t0, result }
  }
  console.log(`RESULT ${JSON.stringify(out)}`)
}
await opened.close()
process.exit(0)
