import { describe, expect, it } from 'vitest'
import { formatMoney as clientMoney } from '../../client/lib/money.js'
import { pluralIndex as clientPlural } from '../../client/i18n/plural.js'
import { localeFromTag, pickLocale, type Locale } from '../../server/contract/locales.js'
import { fill, formatDateTime, formatDay, formatMoney, messagesFor } from '../../server/domain/i18n/index.js'
import { pluralIndex } from '../../server/domain/i18n/plural.js'

const COUNTS = [0, 1, 2, 5, 12, 22, 25, 101]

describe('plural forms', () => {
  // Which form "{n} points" takes, for 0, 1, 2, 5, 12, 22, 25, 101.
  const cases: [Locale, number, string[]][] = [
    ['en', 2, ['points', 'point', 'points', 'points', 'points', 'points', 'points', 'points']],
    ['pl', 3, ['punktów', 'punkt', 'punkty', 'punktów', 'punktów', 'punkty', 'punktów', 'punktów']],
    ['ro', 3, ['puncte', 'punct', 'puncte', 'puncte', 'puncte', 'de puncte', 'de puncte', 'puncte']],
    ['hu', 2, ['pont', 'pont', 'pont', 'pont', 'pont', 'pont', 'pont', 'pont']],
    ['zh-Hant', 1, ['點', '點', '點', '點', '點', '點', '點', '點']],
  ]
  const forms: Record<Locale, string[]> = {
    en: ['point', 'points'],
    pl: ['punkt', 'punkty', 'punktów'],
    ro: ['punct', 'puncte', 'de puncte'],
    hu: ['pont', 'pont'],
    'zh-Hant': ['點'],
  }

  it.each(cases)('%s picks its form for 0, 1, 2, 5, 12, 22, 25, 101', (l, n, expected) => {
    expect(COUNTS.map((c) => forms[l][pluralIndex(l, c, n)])).toEqual(expected)
    // The UI (vue-i18n's pluralRules) picks the same as the server's messages; English is vue-i18n's own.
    if (l !== 'en') expect(COUNTS.map((c) => forms[l][clientPlural(l, c, n)])).toEqual(expected)
  })

  it('fills the chosen form of a server message', () => {
    const earned = (l: Locale, n: number) => fill(messagesFor(l).push.earned, { n, balance: 40 }, l, n)
    expect(earned('pl', 22)).toBe('Zdobywasz 22 punkty. Saldo: 40.')
    expect(earned('pl', 25)).toBe('Zdobywasz 25 punktów. Saldo: 40.')
    expect(earned('ro', 20)).toBe('Ai primit 20 de puncte. Sold: 40.')
    expect(earned('ro', 101)).toBe('Ai primit 101 puncte. Sold: 40.')
    expect(earned('en', 1)).toBe('You earned 1 point. Balance: 40.')
  })
})

describe('money and dates per locale', () => {
  it('writes money as each language does, in the merchant currency', () => {
    const nbsp = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ')
    expect(nbsp(formatMoney(123450, 'EUR', 'en'))).toBe('€1,234.50')
    expect(nbsp(formatMoney(123450, 'EUR', 'pl'))).toBe('1234,50 €')
    expect(nbsp(formatMoney(123450, 'PLN', 'pl'))).toBe('1234,50 zł')
    expect(nbsp(formatMoney(123450, 'RON', 'ro'))).toBe('1.234,50 RON')
    expect(nbsp(formatMoney(123450, 'EUR', 'hu'))).toBe('1234,50 EUR')
    expect(nbsp(formatMoney(12345, 'TWD', 'zh-Hant'))).toBe('$123.45')
    // The client's formatter agrees with the server's.
    for (const l of ['en', 'pl', 'ro', 'hu', 'zh-Hant'] as const)
      expect(clientMoney(98765, 'EUR', l)).toBe(formatMoney(98765, 'EUR', l))
  })

  it('writes dates and times as each language does', () => {
    const nbsp = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ')
    expect(formatDay('2026-03-05', 'en')).toBe('Mar 5, 2026')
    expect(formatDay('2026-03-05', 'pl')).toBe('5 mar 2026')
    expect(formatDay('2026-03-05', 'ro')).toBe('5 mar. 2026')
    expect(formatDay('2026-03-05', 'hu')).toBe('2026. márc. 5.')
    expect(formatDay('2026-03-05', 'zh-Hant')).toBe('2026年3月5日')
    // 14:30 UTC is 15:30 in Warsaw in March.
    expect(nbsp(formatDateTime('2026-03-05T14:30:00Z', 'Europe/Warsaw', 'pl'))).toBe('5 mar 2026, 15:30')
    expect(nbsp(formatDateTime('2026-03-05T14:30:00Z', 'Europe/Warsaw', 'en'))).toBe('Mar 5, 2026, 3:30 PM')
    expect(formatDateTime('2026-03-05T14:30:00Z', 'Asia/Taipei', 'zh-Hant')).toBe('2026年3月5日 晚上10:30')
  })
})

describe("the browser's language", () => {
  it('maps regional and script tags to ours; Simplified Chinese is not ours', () => {
    expect(localeFromTag('ro-RO')).toBe('ro')
    expect(localeFromTag('hu-HU')).toBe('hu')
    expect(localeFromTag('pl')).toBe('pl')
    for (const tag of ['zh-TW', 'zh-HK', 'zh-Hant', 'zh-Hant-TW', 'zh_TW']) expect(localeFromTag(tag)).toBe('zh-Hant')
    for (const tag of ['zh-CN', 'zh-Hans', 'zh-Hans-HK', 'zh', 'de-DE']) expect(localeFromTag(tag)).toBeNull()
  })

  it('takes the first language we speak, else English', () => {
    expect(pickLocale(['zh-CN', 'hu-HU', 'en'])).toBe('hu')
    expect(pickLocale(['zh-CN'])).toBe('en')
    expect(pickLocale(['de', 'zh-HK'])).toBe('zh-Hant')
  })
})
