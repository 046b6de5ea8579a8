import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { ConfigError, loadConfig } from '../config.js'
import { backupSqlite } from '../db/backup.js'

/**
 * npm run backup [-- <folder>]: a consistent copy of the database while the server runs.
 * SQLite: the online backup API, checked (integrity, balances against ledgers), with vapid.json
 * beside it. PostgreSQL (DATABASE_URL): pg_dump's custom format. Says how to restore.
 */
async function main() {
  const config = loadConfig()
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const folder = path.resolve(process.argv[2] ?? path.join(config.dataDir, 'backups'))
  fs.mkdirSync(folder, { recursive: true })
  const vapid = path.join(config.dataDir, 'vapid.json')
  const keepVapid = (dest: string) => {
    if (fs.existsSync(vapid)) fs.copyFileSync(vapid, dest)
  }

  if (config.databaseUrl) {
    const file = path.join(folder, `loyalty-${stamp}.dump`)
    // The URL without our ?options=…, which pg_dump does not know.
    const url = new URL(config.databaseUrl)
    url.searchParams.delete('options')
    const r = spawnSync('pg_dump', ['--format=custom', '--no-owner', `--file=${file}`, url.toString()], {
      stdio: 'inherit',
    })
    if (r.error || r.status !== 0) {
      console.error(
        `pg_dump failed${r.error ? ` (${r.error.message}; is the PostgreSQL client installed?)` : ''}. See docs/deploying.md.`,
      )
      process.exit(1)
    }
    keepVapid(path.join(folder, `vapid-${stamp}.json`))
    console.log(`Backup written: ${file} (${fs.statSync(file).size} bytes), vapid-${stamp}.json beside it.`)
    console.log('To restore into an empty database (see docs/deploying.md):')
    console.log(`  createdb --locale=C --template=template0 loyalty_restored`)
    console.log(`  pg_restore --no-owner --dbname=postgres://…/loyalty_restored ${file}`)
    return
  }

  const file = path.join(folder, `loyalty-${stamp}.sqlite`)
  const b = await backupSqlite(config.dbFile, file)
  if (b.unbalancedCards) {
    console.error(`The copy holds ${b.unbalancedCards} card(s) whose balance is not their ledger's sum: investigate.`)
    process.exit(1)
  }
  keepVapid(path.join(folder, `vapid-${stamp}.json`))
  console.log(`Backup written: ${b.file} (${b.bytes} bytes, integrity ok, balances equal their ledgers).`)
  console.log('To restore: stop the server, then')
  console.log(`  cp ${b.file} ${config.dbFile}`)
  console.log(`  rm -f ${config.dbFile}-wal ${config.dbFile}-shm`)
  console.log(`  cp ${path.join(folder, `vapid-${stamp}.json`)} ${vapid}   # the push keys, if lost too`)
  console.log('and start the server again.')
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : `Backup failed: ${(err as Error).message}`)
  process.exit(1)
})
