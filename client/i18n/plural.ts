import { LOCALES, type Locale } from '../../server/contract/locales.js'

/**
 * Plural forms per language, from Intl.PluralRules: a message lists the language's categories in
 * CLDR order (zero, one, two, few, many, other) that it uses: pl one|few|many (1 punkt, 2 punkty,
 * 5 punktów), ro one|few|other (1 punct, 2 puncte, 20 de puncte), hu one|other, zh-Hant one form.
 * English (a | b) keeps vue-i18n's default.
 */
const CLDR_ORDER = ['zero', 'one', 'two', 'few', 'many', 'other'] as const
export const PLURAL_CATEGORIES: Record<Locale, readonly Intl.LDMLPluralRule[]> = Object.fromEntries(
  LOCALES.map((l) => {
    const used = new Intl.PluralRules(l).resolvedOptions().pluralCategories
    return [l, CLDR_ORDER.filter((c) => used.includes(c))]
  }),
) as unknown as Record<Locale, readonly Intl.LDMLPluralRule[]>

export function pluralIndex(locale: Locale, choice: number, choicesLength: number): number {
  // A message may stop before the language's last categories (pl one|few|many leaves out 'other',
  // which only fractions take): a category past the message's forms takes its last form.
  const used = PLURAL_CATEGORIES[locale].slice(0, Math.max(1, choicesLength))
  const i = used.indexOf(new Intl.PluralRules(locale).select(Math.abs(choice)))
  return i < 0 ? used.length - 1 : i
}
