import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'

export interface SqliteBackup {
  file: string
  pages: number
  bytes: number
  /** Cards whose balance is not the sum of their ledger in the copy (none, or the books are wrong). */
  unbalancedCards: number
}

/**
 * A consistent copy of a live SQLite database, taken while the server writes to it: SQLite's
 * online backup API on a connection of its own. The whole copy is one step, so it is one read
 * transaction: a snapshot of one moment (with WAL, writers go on meanwhile; a copy in many small
 * steps would restart whenever another connection wrote). The copy is checked before it counts:
 * `PRAGMA integrity_check` and every balance against its ledger.
 */
export async function backupSqlite(source: string, dest: string): Promise<SqliteBackup> {
  if (!fs.existsSync(source)) throw new Error(`No database at ${source}.`)
  fs.mkdirSync(path.dirname(dest), { recursive: true })
  const tmp = `${dest}.partial`
  fs.rmSync(tmp, { force: true })
  const src = new BetterSqlite3(source, { fileMustExist: true })
  src.pragma('busy_timeout = 10000')
  let pages = 0
  try {
    await src.backup(tmp, {
      progress: (p) => {
        pages = p.totalPages
        return 0x7fffffff // everything in the next step
      },
    })
  } finally {
    src.close()
  }
  const copy = new BetterSqlite3(tmp)
  try {
    copy.pragma('journal_mode = DELETE') // one self-contained file
    const check = copy.pragma('integrity_check', { simple: true })
    if (check !== 'ok') throw new Error(`The copy failed its integrity check: ${String(check)}`)
    const { n } = copy
      .prepare(
        `select count(*) as n from (select c.id from cards c left join ledger_entries e on e.card_id = c.id
           group by c.id, c.balance having c.balance <> coalesce(sum(e.points), 0))`,
      )
      .get() as { n: number }
    copy.close()
    fs.renameSync(tmp, dest)
    return { file: dest, pages, bytes: fs.statSync(dest).size, unbalancedCards: n }
  } catch (err) {
    if (copy.open) copy.close()
    fs.rmSync(tmp, { force: true })
    throw err
  }
}

/** integrity_check of a database file ('ok' when sound). */
export function integrityOf(file: string): string {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true })
  try {
    return String(db.pragma('integrity_check', { simple: true }))
  } finally {
    db.close()
  }
}
