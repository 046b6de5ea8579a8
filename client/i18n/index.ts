import { createI18n } from 'vue-i18n'
import { LOCALES, LOCALE_NAMES as NAMES, isLocale, pickLocale, type Locale } from '../../server/contract/locales.js'
import { readString, writeString } from '../lib/storage.js'
import { pluralIndex } from './plural.js'
import type { MessagePart } from './parts.js'

/** The server's list (server/contract/locales.ts) is the one list: UI, messages and members' languages. */
export const SUPPORTED_LOCALES = LOCALES
export type AppLocale = Locale
export const LOCALE_NAMES: Record<AppLocale, string> = NAMES

const STORAGE_KEY = 'lw.locale'

/**
 * Messages are precompiled at build time (vite.config.ts) and loaded per locale on demand, in two
 * parts (parts.ts): what members' screens say, loaded with the app, and the staff and console
 * screens' messages, loaded with those screens. A glob, so a language whose file is not there yet
 * loads nothing (and falls back to English) instead of failing the build.
 */
type Messages = { default: Record<string, unknown> }
const files: Record<MessagePart, Record<string, () => Promise<Messages>>> = {
  member: import.meta.glob<Messages>('./locales/*.json', { query: '?part=member' }),
  staff: import.meta.glob<Messages>('./locales/*.json', { query: '?part=staff' }),
}
const loaded = new Set<string>()
/** Once a staff screen has asked for its messages, a change of language brings them too. */
let staffWanted = false

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

async function loadPart(locale: AppLocale, part: MessagePart): Promise<void> {
  const key = `${part}:${locale}`
  const load = files[part][`./locales/${locale}.json`]
  if (loaded.has(key) || !load) return
  const messages = (await load()).default as never
  if (loaded.has(key)) return
  loaded.add(key)
  // The parts share no message: the second one to arrive is merged into the first.
  if (i18n.global.availableLocales.includes(locale)) i18n.global.mergeLocaleMessage(locale, messages)
  else i18n.global.setLocaleMessage(locale, messages)
}

export async function loadLocale(locale: AppLocale): Promise<void> {
  await Promise.all([loadPart(locale, 'member'), staffWanted ? loadPart(locale, 'staff') : undefined])
}

/** The staff and console screens' messages in the current language (router.ts, before such a screen). */
export async function loadStaffMessages(): Promise<void> {
  staffWanted = true
  await loadPart(currentLocale(), 'staff')
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
