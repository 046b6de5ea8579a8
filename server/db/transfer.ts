import BetterSqlite3 from 'better-sqlite3'
import { CompiledQuery, sql } from 'kysely'
import { migrate, writeTx, type Db } from './connection.js'
import { migrations } from './migrations/index.js'

/*
 * Moving an installation from its SQLite file to PostgreSQL (npm run migrate-to-postgres): the
 * target is migrated from scratch, every table is copied in an order that satisfies its foreign
 * keys, and the copy is verified (every table's row count, every card's balance against its
 * ledger) before it is called done.
 */

const ROWS_PER_INSERT = 500
const INSERTS_PER_TX = 20

export interface TableCopy {
  table: string
  source: number
  target: number
}

export interface TransferReport {
  tables: TableCopy[]
  cards: number
  /** Problems found by the verification; empty when the copy is exact. */
  problems: string[]
}

/** Tables of the target's public schema (empty before a transfer). */
async function targetTables(db: Db): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(db)
  return rows.map((r) => r.name)
}

/** The application's tables in an order where each comes after the tables its foreign keys name. */
function tablesInKeyOrder(src: BetterSqlite3.Database): string[] {
  const names = (
    src
      .prepare(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' and name not like 'kysely\\_%' escape '\\'",
      )
      .all() as { name: string }[]
  ).map((r) => r.name)
  const deps = new Map(
    names.map((n) => [
      n,
      new Set(
        (src.prepare(`select "table" as t from pragma_foreign_key_list(?)`).all(n) as { t: string }[])
          .map((r) => r.t)
          .filter((t) => t !== n && names.includes(t)),
      ),
    ]),
  )
  const ordered: string[] = []
  const done = new Set<string>()
  const visit = (n: string, path: string[]) => {
    if (done.has(n)) return
    if (path.includes(n)) throw new Error(`foreign keys form a circle: ${[...path, n].join(' -> ')}`)
    for (const d of deps.get(n) ?? []) visit(d, [...path, n])
    done.add(n)
    ordered.push(n)
  }
  for (const n of names.sort()) visit(n, [])
  return ordered
}

/**
 * Rows in the order they were written (rowid), so a row that names an earlier row of its own
 * table (a reversal names its entry) comes after it; WITHOUT ROWID tables by primary key.
 */
function orderClause(src: BetterSqlite3.Database, table: string): string {
  try {
    src.prepare(`select rowid from "${table}" limit 1`).get()
    return 'order by rowid'
  } catch {
    return ''
  }
}

/**
 * Copies the SQLite database `sourceFile` into the empty PostgreSQL database `target`. The source
 * is read in one read transaction (a snapshot), so stop the server first for a copy that misses
 * nothing written later. Refuses a target that already has tables.
 */
export async function copySqliteToPostgres(
  sourceFile: string,
  target: Db,
  log: (line: string) => void = () => undefined,
): Promise<TransferReport> {
  const existing = await targetTables(target)
  if (existing.length) {
    throw new Error(
      `The PostgreSQL database is not empty (it has ${existing.length} tables, e.g. ${existing.slice(0, 3).join(', ')}); give an empty one.`,
    )
  }
  await migrate(target)
  const src = new BetterSqlite3(sourceFile, { readonly: true, fileMustExist: true })
  const report: TransferReport = { tables: [], cards: 0, problems: [] }
  try {
    src.exec('begin') // one snapshot for the whole copy
    const applied = (src.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map(
      (r) => r.name,
    )
    const expected = Object.keys(migrations).sort()
    if (applied.join() !== expected.join()) {
      throw new Error(
        `The SQLite database is at migration ${applied.at(-1) ?? '(none)'}, this version at ${expected.at(-1)}: start the server on it once (it migrates at boot), stop it, then copy.`,
      )
    }
    const tables = tablesInKeyOrder(src)
    const onTarget = new Set(await targetTables(target))
    const missing = tables.filter((t) => !onTarget.has(t))
    if (missing.length) throw new Error(`tables missing on PostgreSQL: ${missing.join(', ')}`)
    for (const table of tables) {
      const source = (src.prepare(`select count(*) as n from "${table}"`).get() as { n: number }).n
      const rows = src.prepare(`select * from "${table}" ${orderClause(src, table)}`).iterate() as Iterable<
        Record<string, unknown>
      >
      let batch: Record<string, unknown>[] = []
      let pending: Record<string, unknown>[][] = []
      const flush = async () => {
        if (batch.length) pending.push(batch)
        batch = []
        if (!pending.length) return
        const chunks = pending
        pending = []
        await writeTx(target, async (tx) => {
          for (const chunk of chunks) await tx.executeQuery(insertOf(table, chunk))
        })
      }
      for (const row of rows) {
        batch.push(row)
        if (batch.length === ROWS_PER_INSERT) {
          pending.push(batch)
          batch = []
          if (pending.length === INSERTS_PER_TX) await flush()
        }
      }
      await flush()
      const { rows: counted } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(target)
      const copied = Number(counted[0]!.n)
      report.tables.push({ table, source, target: copied })
      log(`${table}: ${copied} of ${source} rows`)
      if (copied !== source) report.problems.push(`${table}: ${source} rows in SQLite, ${copied} in PostgreSQL`)
    }
    src.exec('commit')
  } finally {
    src.close()
  }
  await verifyBalances(sourceFile, target, report)
  return report
}

function insertOf(table: string, rows: Record<string, unknown>[]): CompiledQuery {
  const columns = Object.keys(rows[0]!)
  const params: unknown[] = []
  const values = rows.map(
    (r) =>
      `(${columns
        .map((c) => {
          params.push(r[c] ?? null)
          return `$${params.length}`
        })
        .join(', ')})`,
  )
  return CompiledQuery.raw(
    `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${values.join(', ')}`,
    params,
  )
}

/** Every card's balance equals its ledger's sum in the copy, and equals the card's balance in the source. */
async function verifyBalances(sourceFile: string, target: Db, report: TransferReport): Promise<void> {
  const { rows } = await sql<{ id: string; balance: number; total: number }>`
    select c.id, c.balance, coalesce(sum(e.points), 0) as total
      from cards c left join ledger_entries e on e.card_id = c.id
     group by c.id, c.balance`.execute(target)
  report.cards = rows.length
  const src = new BetterSqlite3(sourceFile, { readonly: true, fileMustExist: true })
  try {
    const before = new Map(
      (src.prepare('select id, balance from cards').all() as { id: string; balance: number }[]).map((r) => [
        r.id,
        r.balance,
      ]),
    )
    for (const r of rows) {
      if (Number(r.total) !== r.balance)
        report.problems.push(`card ${r.id}: balance ${r.balance}, ledger sums to ${r.total}`)
      if (before.get(r.id) !== r.balance)
        report.problems.push(`card ${r.id}: balance ${r.balance} in PostgreSQL, ${before.get(r.id)} in SQLite`)
    }
  } finally {
    src.close()
  }
}
