/**
 * The languages the product speaks, everywhere: the client's UI, the server's messages (push, email,
 * CSV headers, ledger reasons) and each member's remembered language. Adding one: docs/languages.md.
 * No zod here: the client imports this file (the zod schema is `LocaleCode` in common.ts).
 */
export const LOCALES = ['en', 'pl', 'ro', 'hu', 'zh-Hant'] as const
export type Locale = (typeof LOCALES)[number]

/** Each language's name in itself, for pickers. */
export const LOCALE_NAMES: Record<Locale, string> = {
  en: 'English',
  pl: 'Polski',
  ro: 'Română',
  hu: 'Magyar',
  'zh-Hant': '繁體中文',
}

export const isLocale = (l: unknown): l is Locale => typeof l === 'string' && (LOCALES as readonly string[]).includes(l)

/**
 * A BCP 47 tag from a browser (navigator.languages, Accept-Language) to one of ours, or null.
 * Chinese goes by script: Traditional (zh-Hant, and zh-TW / zh-HK / zh-MO, which write it) is ours;
 * Simplified (zh-Hans, zh-CN, zh-SG, bare zh) is not, so it falls through to the next choice.
 */
export function localeFromTag(tag: string): Locale | null {
  const parts = tag.trim().replace(/_/g, '-').split('-')
  const lang = (parts[0] ?? '').toLowerCase()
  if (lang === 'zh') {
    const rest = parts.slice(1).map((p) => p.toLowerCase())
    if (rest.includes('hant')) return 'zh-Hant'
    if (rest.includes('hans')) return null
    return rest.some((r) => r === 'tw' || r === 'hk' || r === 'mo') ? 'zh-Hant' : null
  }
  return isLocale(lang) ? lang : null
}

/** The first of a browser's languages we speak, else English. */
export function pickLocale(tags: readonly string[]): Locale {
  for (const t of tags) {
    const l = localeFromTag(t)
    if (l) return l
  }
  return 'en'
}
