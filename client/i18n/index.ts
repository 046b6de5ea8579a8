import { createI18n } from 'vue-i18n'
import { LOCALES, LOCALE_NAMES as NAMES, isLocale, pickLocale, type Locale } from '../../server/contract/locales.js'
import { readString, writeString } from '../lib/storage.js'
import { pluralIndex } from './plural.js'

/** The server's list (server/contract/locales.ts) is the one list: UI, messages and members' languages. */
export const SUPPORTED_LOCALES = LOCALES
export type AppLocale = Locale
export const LOCALE_NAMES: Record<AppLocale, string> = NAMES

const STORAGE_KEY = 'lw.locale'

/**
 * Messages are precompiled at build time (vite.config.ts) and loaded per locale on demand. A glob,
 * so a language whose file is not there yet loads nothing (and falls back to English) instead of
 * failing the build.
 */
const files = import.meta.glob<{ default: Record<string, unknown> }>('./locales/*.json')
const loaderOf = (l: AppLocale) => files[`./locales/${l}.json`]

const pluralRules = Object.fromEntries(
  LOCALES.filter((l) => l !== 'en').map((l) => [l, (c: number, n: number) => pluralIndex(l, c, n)]),
)

export const i18n = createI18n({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages: {},
  missingWarn: false,
  fallbackWarn: false,
  pluralRules,
})

/** The saved choice, else the first browser language we speak (zh-TW -> zh-Hant, zh-CN -> none), else English. */
export function preferredLocale(): AppLocale {
  const saved = readString(STORAGE_KEY)
  if (isLocale(saved)) return saved
  return pickLocale(navigator.languages?.length ? navigator.languages : [navigator.language])
}

export async function loadLocale(locale: AppLocale): Promise<void> {
  if (i18n.global.availableLocales.includes(locale)) return
  const load = loaderOf(locale)
  if (!load) return
  const messages = await load()
  i18n.global.setLocaleMessage(locale, messages.default as never)
}

/** Switches the UI language, keeps <html lang> in step, and remembers an explicit choice. */
export async function setLocale(locale: AppLocale, persist = false): Promise<void> {
  await loadLocale(locale)
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  if (persist) writeString(STORAGE_KEY, locale)
  for (const fn of listeners) fn(locale, persist)
}

type Listener = (locale: AppLocale, explicit: boolean) => void
const listeners = new Set<Listener>()
/** Something that follows the language (a signed-in member's remembered language on the server). */
export function onLocaleChange(fn: Listener): () => void {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

export function currentLocale(): AppLocale {
  return i18n.global.locale.value as AppLocale
}
