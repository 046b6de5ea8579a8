import pg from 'pg'

/**
 * PostgreSQL for the tests: TEST_DATABASE_URL names a server and a role that may CREATE DATABASE
 * (e.g. postgres://lw:lw@localhost:5432/postgres). A template database is migrated once per run
 * (tests/helpers/pg-global-setup.ts); each test app gets its own copy of it (CREATE DATABASE …
 * TEMPLATE …, a file copy, far faster than migrating again).
 */
export const adminUrl = () => process.env.TEST_DATABASE_URL ?? null

/**
 * The same server and role, another database. Test connections commit without waiting for the
 * disk (synchronous_commit=off: a crash of the test server may lose the last commits, which no test
 * needs); everything else is as in production.
 */
export function urlFor(database: string, base = adminUrl()!): string {
  const u = new URL(base)
  u.pathname = `/${database}`
  u.searchParams.set('options', '-c synchronous_commit=off')
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
 * production databases). A copy of a template keeps it; FILE_COPY copies a small template in
 * about half the time of the default WAL_LOG.
 */
export const createDatabase = (c: pg.Client, name: string, template = 'template0') =>
  c.query(
    `create database ${ident(name)} template ${ident(template)}` +
      (template === 'template0' ? ` encoding 'UTF8' lc_collate 'C' lc_ctype 'C'` : ' strategy file_copy'),
  )

export const dropDatabase = (c: pg.Client, name: string) =>
  c.query(`drop database if exists ${ident(name)} with (force)`)

let seq = 0
let next: { template: string; ready: Promise<string> } | null = null
const drops = new Set<Promise<unknown>>()

async function copyOf(template: string): Promise<string> {
  const name = `${template}_f${process.pid}_${++seq}`
  // Two copies of one template may not start at the same instant: retry briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      await withAdmin((c) => createDatabase(c, name, template))
      return name
    } catch (err) {
      if (attempt >= 40 || !/being accessed by other users/.test(String(err))) throw err
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100))
    }
  }
}

/**
 * A fresh database copied from the run's migrated template. Most API test files make a new app per
 * test, so the next copy is made while the current test runs, and drop() does not wait for the
 * drop (the run's teardown drops any copy still there).
 */
export async function freshPgDatabase(template: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const ready = next?.template === template ? next.ready : copyOf(template)
  const name = await ready
  const prefetch = copyOf(template)
  prefetch.catch(() => undefined)
  next = { template, ready: prefetch }
  return {
    url: urlFor(name),
    name,
    drop: async () => {
      const d = withAdmin((c) => dropDatabase(c, name)).catch(() => undefined)
      drops.add(d)
      void d.finally(() => drops.delete(d))
    },
  }
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
