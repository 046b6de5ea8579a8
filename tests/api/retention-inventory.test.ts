import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MEMBER_TABLES } from '../../server/db/queries/member-data.js'
import { all } from '../helpers/db.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'

/**
 * docs/security-and-privacy.md lists every table with what it holds, how long it is kept, and what
 * the export and the account deletion do with it. A table added without a line there fails here, and
 * so does a line that says otherwise than MEMBER_TABLES (which drives the export and the deletion).
 */
let t: TestApp
beforeAll(async () => {
  t = await makeTestApp()
})
afterAll(() => t.close())

function documented(): Map<string, { exported: boolean; onDelete: string }> {
  const text = fs.readFileSync('docs/security-and-privacy.md', 'utf8')
  const section = text.slice(text.indexOf('## Retention'), text.indexOf('\n## ', text.indexOf('## Retention') + 3))
  const rows = new Map<string, { exported: boolean; onDelete: string }>()
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim())
    const name = /^`([a-z_]+)`$/.exec(cells[1] ?? '')?.[1]
    if (name) rows.set(name, { exported: cells[4] === 'yes', onDelete: cells[5] ?? '' })
  }
  return rows
}

async function tables(): Promise<string[]> {
  const rows =
    t.backend === 'postgres'
      ? await all(t.db, 'select tablename as name from pg_tables where schemaname = current_schema()')
      : await all(t.db, "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
  return rows.map((r) => r.name as string).filter((n) => !n.startsWith('kysely_'))
}

describe('the retention list in docs/security-and-privacy.md', () => {
  it('names every table of the database', async () => {
    const listed = documented()
    expect((await tables()).filter((name) => !listed.has(name)).sort()).toEqual([])
  })

  it('says what the export and the account deletion do, as MEMBER_TABLES does', () => {
    const listed = documented()
    const member = new Map(MEMBER_TABLES.map((m) => [m.table, m.onDelete]))
    const off: string[] = []
    for (const [name, row] of listed) {
      const onDelete = member.get(name)
      if (row.exported !== (onDelete !== undefined)) off.push(`${name}: export ${row.exported ? 'yes' : '—'}`)
      if (onDelete && !row.onDelete.startsWith(onDelete)) off.push(`${name}: "${row.onDelete}", not ${onDelete}`)
    }
    expect(off).toEqual([])
  })
})
