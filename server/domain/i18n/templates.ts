import { isLocale, LOCALES, type Locale } from '../../contract/locales.js'
import { DomainError } from '../errors.js'
import type { AutomationKind } from '../push-rules.js'
import { SERVER_MESSAGES } from './index.js'

/*
 * Messages a merchant writes (offers, automation texts): in their default language (required) and
 * optionally in others. A member reads their own language's version when there is one, else the
 * default's. An automation text the merchant never changed is ours, and we have it in every language.
 */
export interface Written {
  title: string
  body: string
}
export type Translations = Partial<Record<Locale, Written>>

/** The version a member reads. */
export function writtenFor(
  base: Written & { translations?: Translations | null | undefined },
  member: string | null | undefined,
  defaultLocale: string,
): Written {
  const l = isLocale(member) ? member : null
  const t = l && l !== defaultLocale ? base.translations?.[l] : undefined
  return t ? { title: t.title, body: t.body } : { title: base.title, body: base.body }
}

/** Whether a text is one of our built-in ones for `kind`, in any language (so the merchant never changed it). */
export function isBuiltIn(kind: AutomationKind, w: Written): boolean {
  return LOCALES.some((l) => {
    const b = SERVER_MESSAGES[l].automations[kind]
    return b.title === w.title && b.body === w.body
  })
}

/** An automation's text for a member: what the merchant wrote in their language, or ours in it. */
export function automationTextFor(
  kind: AutomationKind,
  s: Written & { translations?: Translations | null | undefined },
  member: string | null | undefined,
  defaultLocale: string,
): Written {
  const l = isLocale(member) ? member : null
  if (l && l !== defaultLocale && !s.translations?.[l] && isBuiltIn(kind, s))
    return SERVER_MESSAGES[l].automations[kind]
  return writtenFor(s, member, defaultLocale)
}

/** Translations are for the other languages: one in the default language is a mistake, said by field. */
export function checkTranslations(t: Translations | null | undefined, defaultLocale: string, field: string): void {
  if (t && defaultLocale in t) {
    const path = `${field}.${defaultLocale}`
    throw new DomainError('validation_failed', 'The default language is the main title and text, not a translation.', [
      { path, message: 'the default language is not a translation' },
    ])
  }
}
