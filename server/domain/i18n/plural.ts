import type { Locale } from '../../contract/locales.js'

/*
 * Plural forms the same way the client writes them (client/i18n/index.ts): a message lists the
 * language's CLDR categories in order (zero, one, two, few, many, other) that it uses. English
 * one|other, Polish one|few|many, Romanian one|few|other, Hungarian one|other, Chinese one form.
 */
const ORDER = ['zero', 'one', 'two', 'few', 'many', 'other'] as const
const rules = new Map<string, Intl.PluralRules>()
const rulesOf = (l: string) => {
  let r = rules.get(l)
  if (!r) rules.set(l, (r = new Intl.PluralRules(l)))
  return r
}

/** The categories a language's messages list, in order. */
export function pluralCategories(locale: Locale): Intl.LDMLPluralRule[] {
  const used = rulesOf(locale).resolvedOptions().pluralCategories
  return ORDER.filter((c) => used.includes(c))
}

/** Which of `forms` a count takes; a category past the message's forms takes the last one. */
export function pluralIndex(locale: Locale, n: number, forms: number): number {
  const used = pluralCategories(locale).slice(0, Math.max(1, forms))
  const i = used.indexOf(rulesOf(locale).select(Math.abs(n)))
  return i < 0 ? used.length - 1 : i
}

/** "a | b | c" with {name} placeholders, the form chosen by `n`. */
export function fill(template: string, vars: Record<string, string | number>, locale: Locale, n?: number): string {
  const forms = template.split(' | ')
  const chosen = n === undefined || forms.length === 1 ? forms[0]! : forms[pluralIndex(locale, n, forms.length)]!
  return chosen.replace(/\{(\w+)\}/g, (whole, k: string) => (k in vars ? String(vars[k]) : whole))
}
