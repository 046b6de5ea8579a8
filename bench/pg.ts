import pg from 'pg'

/**
 * The PostgreSQL benchmarks need a server and a role that may create databases:
 * BENCH_DATABASE_URL, or TEST_DATABASE_URL (the tests' one). Each benchmark makes its own database
 * (C collation, as docs/deploying.md asks) and drops it after.
 */
export const pgAdminUrl = () => process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? null

export async function benchDatabase(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = pgAdminUrl()
  if (!admin)
    throw new Error('set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL role that may CREATE DATABASE')
  const run = async (sqlText: string) => {
    const c = new pg.Client({ connectionString: admin })
    await c.connect()
    try {
      await c.query(sqlText)
    } finally {
      await c.end()
    }
  }
  const db = `${name}_${process.pid}`
  await run(`drop database if exists "${db}" with (force)`)
  await run(`create database "${db}" template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`)
  const u = new URL(admin)
  u.pathname = `/${db}`
  return { url: u.toString(), drop: () => run(`drop database if exists "${db}" with (force)`) }
}
