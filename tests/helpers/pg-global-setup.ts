import type { TestProject } from 'vitest/node'
import { migrate, openPgDb } from '../../server/db/connection.js'
import { createDatabase, dropDatabase, urlFor, withAdmin } from './pg.js'

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate: string
  }
}

/**
 * Once per run of a PostgreSQL project: a template database migrated from scratch. Test files copy
 * it (helpers/pg.ts); at the end the template and any copy a crashed worker left are dropped.
 */
export default async function setup(project: TestProject) {
  const template = `lw_test_${process.pid}_${project.name.replace(/\W/g, '_')}`
  await withAdmin(async (c) => {
    await dropDatabase(c, template)
    await createDatabase(c, template)
  })
  const opened = await openPgDb(urlFor(template), { poolSize: 2 })
  try {
    await migrate(opened.db)
  } finally {
    await opened.close()
  }
  project.provide('pgTemplate', template)
  return async () => {
    await withAdmin(async (c) => {
      // The template first: no copy can start after it is gone (a drop waits for a copy under way),
      // then every copy, including one a worker started for a test that never came.
      await dropDatabase(c, template)
      const { rows } = await c.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [
        `${template}\\_f%`,
      ])
      for (const r of rows) await dropDatabase(c, r.datname)
    })
  }
}
