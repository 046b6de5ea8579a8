import { createI18n } from 'vue-i18n'
import { readString, writeString } from '../lib/storage.js'

export const SUPPORTED_LOCALES = ['en', 'pl'] as const
export type AppLocale = (typeof SUPPORTED_LOCALES)[number]
export const LOCALE_NAMES: Record<AppLocale, string> = { en: 'English', pl: 'Polski' }

const STORAGE_KEY = 'lw.locale'

/** Messages are precompiled at build time (vite.config.ts) and loaded per locale on demand. */
const loaders: Record<AppLocale, () => Promise<{ default: Record<string, unknown> }>> = {
  en: () => import('./locales/en.json'),
  pl: () => import('./locales/pl.json'),
}

/** Polish has three plural forms: 1 punkt, 2-4 punkty, 5+ punktów (and 12-14 punktów, 22 punkty...). */
const plRules = new Intl.PluralRules('pl')
function polishPlural(choice: number, choicesLength: number): number {
  if (choicesLength < 3) return choice === 1 ? 0 : 1
  const rule = plRules.select(Math.abs(choice))
  return rule === 'one' ? 0 : rule === 'few' ? 1 : 2
}

export const i18n = createI18n({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages: {},
  missingWarn: false,
  fallbackWarn: false,
  pluralRules: { pl: polishPlural },
})

function isSupported(l: string | null | undefined): l is AppLocale {
  return !!l && (SUPPORTED_LOCALES as readonly string[]).includes(l)
}

/** The saved choice, else the first browser language we speak, else English. */
export function preferredLocale(): AppLocale {
  const saved = readString(STORAGE_KEY)
  if (isSupported(saved)) return saved
  for (const lang of navigator.languages ?? [navigator.language]) {
    const base = lang.toLowerCase().split('-')[0]
    if (isSupported(base)) return base
  }
  return 'en'
}

export async function loadLocale(locale: AppLocale): Promise<void> {
  if (i18n.global.availableLocales.includes(locale)) return
  const messages = await loaders[locale]()
  i18n.global.setLocaleMessage(locale, messages.default as never)
}

/** Switches the UI language, keeps <html lang> in step, and remembers an explicit choice. */
export async function setLocale(locale: AppLocale, persist = false): Promise<void> {
  await loadLocale(locale)
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  if (persist) writeString(STORAGE_KEY, locale)
}

export function currentLocale(): AppLocale {
  return i18n.global.locale.value as AppLocale
}
