import fs from 'node:fs'
import { ConfigError, loadConfig } from '../config.js'
import { DatabaseUnavailableError, openPgDb } from '../db/connection.js'
import { copySqliteToPostgres } from '../db/transfer.js'

/**
 * npm run migrate-to-postgres [-- <sqlite file>]: copies the SQLite database (DATA_DIR's, or the
 * file given) into the empty PostgreSQL database named by DATABASE_URL, then verifies every table's
 * row count and every card's balance against its ledger. Stop the server first.
 */
async function main() {
  const config = loadConfig()
  const source = process.argv[2] ?? config.dbFile
  if (!config.databaseUrl) {
    console.error('Set DATABASE_URL to the empty PostgreSQL database to copy into (postgres://user:pass@host/db).')
    process.exit(1)
  }
  if (!fs.existsSync(source)) {
    console.error(`No SQLite database at ${source}.`)
    process.exit(1)
  }
  const target = await openPgDb(config.databaseUrl, { poolSize: 2 })
  try {
    console.log(`Copying ${source} into PostgreSQL…`)
    const report = await copySqliteToPostgres(source, target.db, (line) => console.log(`  ${line}`))
    if (report.problems.length) {
      console.error(`The copy does not match the source:\n  ${report.problems.slice(0, 20).join('\n  ')}`)
      console.error(
        'Drop the PostgreSQL database, create it empty again and rerun; keep serving from SQLite meanwhile.',
      )
      process.exitCode = 1
      return
    }
    const rows = report.tables.reduce((n, t) => n + t.target, 0)
    console.log(
      `Done: ${report.tables.length} tables, ${rows} rows, ${report.cards} cards whose balances equal their ledgers.`,
    )
    console.log(
      'Start the server with this DATABASE_URL (keep vapid.json in DATA_DIR, or devices must subscribe again).',
    )
  } finally {
    await target.close()
  }
}

main().catch((err) => {
  const known = err instanceof ConfigError || err instanceof DatabaseUnavailableError
  console.error(known ? err.message : `Copy failed: ${(err as Error).message}`)
  process.exit(1)
})
