import { readFileSync, readdirSync, existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { LOCALES } from '../../server/contract/locales.js'
import { STAFF_SECTIONS, messagePart } from '../../client/i18n/parts.js'

/*
 * The locale files are built in two parts (client/i18n/parts.ts): members' screens load only the
 * member part, so none of them may use a staff message (it would show its key).
 */
type Tree = { [k: string]: unknown }
const client = fileURLToPath(new URL('../../client/', import.meta.url))
const load = (l: string) => JSON.parse(readFileSync(path.join(client, `i18n/locales/${l}.json`), 'utf8')) as Tree
const en = load('en')
const leaves = (t: Tree, prefix = ''): string[] =>
  Object.entries(t).flatMap(([k, v]) =>
    v && typeof v === 'object' ? leaves(v as Tree, `${prefix}${k}.`) : [`${prefix}${k}`],
  )

/** The files a member's screens load: main.ts and the members' views, with what they import (lazily too). */
function memberFiles(): Set<string> {
  const views = readdirSync(path.join(client, 'views'))
    .filter((f) => f.endsWith('.vue') && f !== 'SetupView.vue')
    .map((f) => path.join(client, 'views', f))
  const todo = [path.join(client, 'main.ts'), path.join(client, 'views/staff/StaffLoginView.vue'), ...views]
  const seen = new Set<string>()
  while (todo.length) {
    const file = todo.pop()!
    if (seen.has(file)) continue
    seen.add(file)
    const src = readFileSync(file, 'utf8')
    // router.ts imports every view lazily: the members' ones are listed above, its static imports count.
    const imports = file.endsWith('router.ts')
      ? src.matchAll(/^import (?!type )[^'"]*from '(\.[^']+)'/gm)
      : src.matchAll(/(?:from|import\(?)\s*'(\.{1,2}\/[^']+)'/g)
    for (const [, spec] of imports) {
      const base = path.resolve(path.dirname(file), spec!)
      const found = [base.replace(/\.js$/, '.ts'), base, `${base}.ts`].find(
        (f) => existsSync(f) && /\.(ts|vue)$/.test(f),
      )
      if (found && !found.includes(`${path.sep}i18n${path.sep}locales`)) todo.push(found)
    }
  }
  return seen
}

describe('the locale parts', () => {
  it('name sections that exist', () => {
    const sections = new Set([...Object.keys(en), ...leaves(en).map((k) => k.split('.').slice(0, 2).join('.'))])
    expect(STAFF_SECTIONS.filter((s) => !sections.has(s))).toEqual([])
  })

  it.each(LOCALES)('%s: the two parts hold every message once', (l) => {
    const all = leaves(load(l)).sort()
    const member = leaves(messagePart(load(l), 'member'))
    const staff = leaves(messagePart(load(l), 'staff'))
    expect([...member, ...staff].sort()).toEqual(all)
    expect(member.length).toBeGreaterThan(0)
    expect(staff.length).toBeGreaterThan(0)
  })

  it("no member's screen uses a staff message", () => {
    const staff = new Set(leaves(messagePart(en, 'staff')))
    const used: string[] = []
    // Not counted: the list itself, and router.ts, whose staff routes' titles show once the route's
    // guard has loaded the staff part.
    const skip = new Set(['i18n/parts.ts', 'router.ts'].map((f) => path.join(client, f)))
    for (const file of memberFiles()) {
      if (skip.has(file)) continue
      for (const [, key] of readFileSync(file, 'utf8').matchAll(/['"`]([a-zA-Z][\w]*(?:\.[\w${}]+)+)/g)) {
        const prefix = key!.split('${')[0]!
        if ([...staff].some((k) => k === key || (prefix.endsWith('.') && k.startsWith(prefix))))
          used.push(`${path.relative(client, file)}: ${key}`)
      }
    }
    expect(used).toEqual([])
  })
})
