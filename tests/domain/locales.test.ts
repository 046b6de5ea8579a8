import { readFileSync } from 'node:fs'
import { baseCompile } from '@intlify/message-compiler'
import { describe, expect, it } from 'vitest'
import { LOCALES, type Locale } from '../../server/contract/locales.js'
import { SERVER_MESSAGES } from '../../server/domain/i18n/index.js'

/*
 * The UI's locale files against English: same keys, every message compiles (as the build compiles
 * them), plurals with the language's number of forms, nothing left in English by mistake.
 */
type Tree = { [k: string]: string | Tree }
const flat = (t: Tree, prefix = ''): [string, string][] =>
  Object.entries(t).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v]] : flat(v, `${prefix}${k}.`)))
const load = (l: Locale) =>
  new Map(
    flat(JSON.parse(readFileSync(new URL(`../../client/i18n/locales/${l}.json`, import.meta.url), 'utf8')) as Tree),
  )
const en = load('en')
const others = LOCALES.filter((l) => l !== 'en')

/** Forms a plural message has in each language (client/i18n/plural.ts): the CLDR categories it uses. */
const FORMS: Record<Locale, number> = { en: 2, pl: 3, ro: 3, hu: 2, 'zh-Hant': 1 }

/** Words that really are the same in the language (loanwords, brand-like labels). Keep it short. */
const SAME_AS_ENGLISH: Record<Locale, string[]> = {
  en: [],
  pl: ['offline', 'Bonus', 'Program', 'Logo', 'Segment', 'Push', 'Bar', 'Salon', 'Operator', 'Apple Wallet', '{ms} ms'],
  ro: [
    'offline',
    'Bonus',
    'Program',
    'Logo',
    'Segment',
    'Bar',
    'Salon',
    'Operator',
    'Manager',
    'Card',
    'Catalog',
    'OK',
    'Feedback',
    'Restaurant',
    'Apple Wallet',
    'Google Wallet',
    '{ms} ms',
  ],
  hu: ['offline', 'Program', 'Apple Wallet', 'Google Wallet', '{ms} ms'],
  'zh-Hant': ['App', 'M{k}'],
}
/** A message with no words of its own (placeholders, signs, numbers) needs no translation. */
const wordless = (m: string) => !/\p{L}{2,}/u.test(m.replace(/\{[^}]*\}/g, ''))

describe('the locale files', () => {
  it.each(LOCALES)('%s compiles every message', (l) => {
    const problems: string[] = []
    for (const [key, msg] of load(l)) {
      baseCompile(msg, { onError: (e) => problems.push(`${key}: ${e.message}`) })
    }
    expect(problems).toEqual([])
  })

  it.each(others)('%s has exactly the keys English has', (l) => {
    const keys = load(l)
    expect({
      missing: [...en.keys()].filter((k) => !keys.has(k)),
      extra: [...keys.keys()].filter((k) => !en.has(k)),
    }).toEqual({
      missing: [],
      extra: [],
    })
  })

  it.each(others)('%s gives each plural message its number of forms', (l) => {
    const keys = load(l)
    const wrong = [...en]
      .filter(([k, m]) => m.includes(' | ') && keys.get(k)!.split(' | ').length !== FORMS[l])
      .map(([k]) => k)
    expect(wrong).toEqual([])
  })

  it.each(others)('%s leaves nothing in English but its allowed words', (l) => {
    const same = [...load(l)].filter(([k, m]) => en.get(k) === m && !wordless(m) && !SAME_AS_ENGLISH[l].includes(m))
    expect(same.map(([k]) => k)).toEqual([])
  })

  it.each(others)('%s shows ledger reasons as the server writes them in exports', (l) => {
    const reasons = [...load(l)].filter(([k]) => k.startsWith('ledger.reason.'))
    expect(Object.fromEntries(reasons.map(([k, m]) => [k.slice('ledger.reason.'.length), m]))).toEqual(
      SERVER_MESSAGES[l].reasons,
    )
  })
})

describe("the server's messages", () => {
  const server = (l: Locale) => flat(SERVER_MESSAGES[l] as unknown as Tree)
  const serverEn = new Map(server('en'))

  it.each(others)('%s is written in its language, with its plural forms', (l) => {
    const same = server(l).filter(([k, m]) => serverEn.get(k) === m && !wordless(m) && !SAME_AS_ENGLISH[l].includes(m))
    expect(same.map(([k]) => k)).toEqual([])
    const plural = server(l).filter(([k]) => serverEn.get(k)!.includes(' | '))
    expect(plural.filter(([, m]) => m.split(' | ').length !== FORMS[l]).map(([k]) => k)).toEqual([])
  })
})
