import type { Locale } from '../../contract/locales.js'
import { en, type ServerMessages } from './messages/en.js'
import { hu } from './messages/hu.js'
import { pl } from './messages/pl.js'
import { ro } from './messages/ro.js'
import { zhHant } from './messages/zh-Hant.js'

/*
 * What the server writes to people (push, email, CSV headers, ledger reasons), in each language we
 * speak (contract/locales.ts). The UI's own strings are the client's (client/i18n/locales).
 */
export const SERVER_MESSAGES: Record<Locale, ServerMessages> = { en, pl, ro, hu, 'zh-Hant': zhHant }

export const messagesFor = (locale: Locale | null | undefined): ServerMessages => SERVER_MESSAGES[locale ?? 'en'] ?? en

export type { ServerMessages }
export { fill, pluralCategories, pluralIndex } from './plural.js'
export { formatDateTime, formatDay, formatMoney, formatNumber } from './format.js'
export { renderReason, storedReason, type Reason, type ReasonCode, type StoredReason } from './reasons.js'
