import { CompiledQuery, type Compilable } from 'kysely'
import { backendOf, type Backend, type Db, type Tx } from './connection.js'
import { idleReader } from './sqlite.js'

/** Stands for a named argument while a prepared query is compiled. */
class Slot {
  constructor(readonly name: string) {}
}

/**
 * A Kysely query built and compiled once, on its first call; every later call only swaps in its
 * arguments. Building and compiling a query costs more than SQLite takes to run a small one, so the
 * few statements of the hot paths (an earn at the till or from a POS) are written this way. The
 * builder receives stand-ins for the arguments: use them only as values (in where, set, values,
 * limit), never to choose the shape of the query, which must not depend on them. Write a constant
 * LIMIT as `sql.lit(1)`: SQLite plans `LIMIT ?` (what `.limit(1)` becomes) several times slower.
 * The compiled text is the dialect's (`?` or `$1`, row locks kept or dropped), so it is kept per
 * backend: one process may hold both (the move to PostgreSQL copies from one to the other).
 */
export function prepared<A extends Record<string, unknown>, R>(
  build: (db: Tx, args: A) => Compilable<R>,
): (db: Tx, args: A) => Promise<R[]> {
  const compiled: Partial<Record<Backend, CompiledQuery<R>>> = {}
  return async (db, args) => {
    const backend = backendOf(db)
    let template = compiled[backend]
    if (!template) {
      const slots = new Proxy({} as A, { get: (_, name) => new Slot(String(name)) })
      template = compiled[backend] = build(db, slots).compile()
    }
    const parameters = template.parameters.map((p) => (p instanceof Slot ? (args[p.name] ?? null) : p))
    // A read on an idle SQLite connection runs at once, without queueing for the one connection
    // through Kysely (a few promise turns per statement; a card read makes three).
    const direct = backend === 'sqlite' ? idleReader(db as Db, template.sql) : null
    if (direct) return direct.all(parameters) as R[]
    const r = await db.executeQuery(CompiledQuery.raw(template.sql, parameters) as CompiledQuery<R>)
    return r.rows
  }
}

/** The first row of a prepared query, or undefined. */
export const first = async <R>(rows: Promise<R[]>): Promise<R | undefined> => (await rows)[0]
