import pg from 'pg'
import type { Deps } from '../server/services/common/deps.js'
import { createApiKey } from '../server/services/console/keys-and-links.js'
import { createMerchant } from '../server/services/console/setup.js'
import { joinProgram } from '../server/services/members/join.js'

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

/** The earn benchmarks' merchant: the ready-made program, `members` members, and a POS key. */
export async function seedPosMerchant(deps: Deps, members: number): Promise<{ cards: string[]; key: string }> {
  const { merchantId, ownerId } = await createMerchant(
    deps.db,
    {
      slug: 'bench',
      name: 'Bench',
      currency: 'EUR',
      timezone: 'UTC',
      brandColor: '#000000',
      owner: { name: 'B', email: 'b@bench.test', password: 'bench-password' },
    },
    new Date(),
  )
  const cards: string[] = []
  for (let i = 0; i < members; i++) {
    const j = await joinProgram(deps, { slug: 'bench', name: `Bench member ${i}`, marketingConsent: false }, null)
    cards.push(j.card.cardNumber)
  }
  const { key } = await createApiKey(deps, { id: ownerId, merchantId }, 'bench')
  return { cards, key }
}
