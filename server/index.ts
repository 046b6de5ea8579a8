import { createApp } from './app.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { DatabaseUnavailableError, migrate, openDatabase, type OpenedDb } from './db/connection.js'
import { systemClock } from './domain/clock.js'
import { randomToken } from './domain/ids.js'
import { serverJobs, startScheduler } from './jobs/scheduler.js'
import { listen } from './listen.js'
import { closeSharedEncryptPool } from './push/encrypt-pool.js'
import { seedDemo } from './seed/demo.js'
import type { Deps } from './services/common/deps.js'
import { setupNeeded } from './services/console/setup.js'

/** config -> open db -> migrate -> (seed) -> createApp -> serve -> scheduler; SIGTERM drains. */
async function main(): Promise<void> {
  let config: Config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message)
      process.exit(1)
    }
    throw err
  }
  let opened: OpenedDb
  try {
    opened = await openDatabase(config, { backgroundCheckpoints: true })
  } catch (err) {
    if (err instanceof DatabaseUnavailableError) {
      console.error(err.message)
      process.exit(1)
    }
    throw err
  }
  const applied = await migrate(opened.db)
  if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`)

  const deps: Deps = { db: opened.db, clock: systemClock, config, setupToken: null }
  const demo = process.argv.includes('--demo')
  const demoInfo = demo ? await seedDemo(deps) : null
  if (await setupNeeded(deps)) deps.setupToken = randomToken(18)

  const app = createApp(deps)
  const server = listen(app.fetch, { port: config.port, hostname: config.host }, (info) => {
    const base = config.publicUrl
    console.log(
      `Loyalty Wallet is running on port ${info.port} (${config.databaseUrl ? 'PostgreSQL' : `data in ${config.dataDir}`}).`,
    )
    console.log(`  Open: ${base}/`)
    if (deps.setupToken) console.log(`  First run: set up your business at ${base}/setup?token=${deps.setupToken}`)
    else console.log(`  Staff sign-in: ${base}/staff/login`)
    if (config.signup !== 'closed') console.log(`  Business sign-up (SIGNUP=${config.signup}): ${base}/business/signup`)
    if (demoInfo) {
      console.log(`  Demo customer signup link: ${base}/join/${demoInfo.slug}`)
      console.log(`  Demo staff login: ${base}/staff/login`)
      for (const s of demoInfo.staff) console.log(`    ${s.role.padEnd(8)} ${s.email}  password: ${s.password}`)
      console.log(`  Second business: ${base}/join/${demoInfo.salon.slug}`)
      console.log(`    owner    ${demoInfo.salon.email}  password: ${demoInfo.salon.password}`)
      console.log(
        `  A member with cards at both: ${demoInfo.bothCards} (sign in with an emailed link at ${base}/signin)`,
      )
      console.log(`  Operator console: ${base}/operator (as the Demo Café owner)`)
      console.log(`  POS API key (demo): ${demoInfo.posKey ?? '(created on first seed only)'}`)
    }
  })
  const scheduler = startScheduler(deps, serverJobs(deps))

  let stopping = false
  const shutdown = (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`${signal}: finishing requests in flight, then closing the database.`)
    scheduler.stop()
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    server.close(async () => {
      await closeSharedEncryptPool()
      await opened.close()
      process.exit(0)
    })
    if ('closeIdleConnections' in server) (server as unknown as { closeIdleConnections(): void }).closeIdleConnections()
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
}

main().catch((err) => {
  console.error('Failed to start:', err)
  process.exit(1)
})
