import { defineConfig } from 'vitest/config'
import { probe } from './tests/helpers/pg.js'

/**
 * Tiers (DESIGN.md): pure domain rules; the real app over a real database, SQLite always and
 * PostgreSQL as well when TEST_DATABASE_URL names a server (the same files, `api-pg`, plus the
 * several-process tests, `cluster`); Chromium end to end. Without PostgreSQL its tiers are skipped
 * and the run says so; with REQUIRE_POSTGRES=1 (CI) that is a failure instead.
 */
const api = { environment: 'node' as const, testTimeout: 30_000, hookTimeout: 30_000 }
// SQLite's own (and deploy-config, which needs no database: once is enough).
const SQLITE_ONLY = ['tests/api/database.test.ts', 'tests/api/backup.test.ts', 'tests/api/deploy-config.test.ts']
const PG_ONLY = [
  'tests/api/database-pg.test.ts',
  'tests/api/move-to-postgres.test.ts',
  'tests/api/push-lease-pg.test.ts',
]

async function postgresProjects() {
  const url = process.env.TEST_DATABASE_URL
  const problem = url ? await probe(url) : 'TEST_DATABASE_URL is not set'
  if (problem) {
    const message = `PostgreSQL test tiers (api-pg, cluster) skipped: ${problem}. Set TEST_DATABASE_URL=postgres://user:password@localhost:5432/postgres (a role that may CREATE DATABASE) to run them.`
    if (process.env.REQUIRE_POSTGRES === '1') throw new Error(`REQUIRE_POSTGRES=1 but ${message}`)
    console.warn(`\n*** ${message}\n`)
    return []
  }
  const pg = { ...api, env: { LW_TEST_DB: 'postgres' }, globalSetup: ['tests/helpers/pg-global-setup.ts'] }
  return [
    { test: { ...pg, name: 'api-pg', include: ['tests/api/**/*.test.ts'], exclude: SQLITE_ONLY } },
    {
      test: {
        ...pg,
        name: 'cluster',
        include: ['tests/cluster/**/*.test.ts'],
        testTimeout: 180_000,
        hookTimeout: 120_000,
        fileParallelism: false,
      },
    },
  ]
}

export default defineConfig(async () => ({
  test: {
    projects: [
      { test: { name: 'domain', include: ['tests/domain/**/*.test.ts'], environment: 'node' } },
      { test: { ...api, name: 'api', include: ['tests/api/**/*.test.ts'], exclude: PG_ONLY } },
      ...(await postgresProjects()),
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
}))
