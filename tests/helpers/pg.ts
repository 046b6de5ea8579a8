import pg from 'pg'

/**
 * PostgreSQL for the tests: TEST_DATABASE_URL names a server and a role that may CREATE DATABASE
 * (e.g. postgres://lw:lw@localhost:5432/postgres). A template database is migrated once per run
 * (tests/helpers/pg-global-setup.ts); each test file gets its own copy of it (CREATE DATABASE …
 * TEMPLATE …, a file copy, far faster than migrating again) and drops it when done.
 */
export const adminUrl = () => process.env.TEST_DATABASE_URL ?? null

/** The same server and role, another database. */
export function urlFor(database: string, base = adminUrl()!): string {
  const u = new URL(base)
  u.pathname = `/${database}`
  return u.toString()
}

export async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl()! })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/** Names are made by the tests themselves (prefix, pid, counter): safe to put in DDL. */
const ident = (name: string) => {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad database name ${name}`)
  return `"${name}"`
}

/**
 * C collation: text sorts by code point, as in SQLite (docs/deploying.md asks the same of
 * production databases). A template copy keeps it.
 */
export const createDatabase = (c: pg.Client, name: string, template = 'template0') =>
  c.query(
    `create database ${ident(name)} template ${ident(template)}` +
      (template === 'template0' ? ` encoding 'UTF8' lc_collate 'C' lc_ctype 'C'` : ''),
  )

export const dropDatabase = (c: pg.Client, name: string) =>
  c.query(`drop database if exists ${ident(name)} with (force)`)

let seq = 0

/** A fresh database copied from the run's migrated template; drop() removes it. */
export async function freshPgDatabase(template: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${template}_f${process.pid}_${++seq}`
  // Copies from one template may not overlap with a connection to it; retry briefly if another
  // worker's copy is just starting.
  for (let attempt = 0; ; attempt++) {
    try {
      await withAdmin((c) => createDatabase(c, name, template))
      break
    } catch (err) {
      if (attempt >= 20 || !/being accessed by other users/.test(String(err))) throw err
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100))
    }
  }
  return { url: urlFor(name), name, drop: () => withAdmin((c) => dropDatabase(c, name)).then(() => undefined) }
}

/** Whether the server answers, and why not. */
export async function probe(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('select 1')
    return null
  } catch (err) {
    return (err as Error).message || String(err)
  } finally {
    await client.end().catch(() => undefined)
  }
}
