/**
 * The program settings form (views/merchant/ProgramView.vue) and its mapping to and from the
 * server's rules: amounts are edited in major units, empty number fields are null.
 */
import type { ProgramRules, ProgramRulesInput } from '../../api/program.js'

export type Num = number | null

export interface PromoForm {
  name: string
  multiplier: Num
  bonusPoints: Num
  weekdays: number[]
  startTime: string
  endTime: string
  startDate: string
  endDate: string
}

export interface TierForm {
  name: string
  threshold: Num
  multiplier: Num
  perks: string
}

export interface ProgramForm {
  pointsPerUnit: Num
  unitMajor: Num
  rounding: ProgramRules['rounding']
  pointsPerVisit: Num
  minSpendMajor: Num
  dailyCapPoints: Num
  promotions: PromoForm[]
  tiers: TierForm[]
  tierWindowKind: 'rolling' | 'calendarYear'
  tierWindowMonths: Num
  tierGraceDays: Num
  expiryMode: ProgramRules['expiry']['mode']
  expiryMonths: Num
  expiryRoundTo: 'none' | 'month' | 'year'
  welcomeBonus: Num
  birthdayBonus: Num
  birthdayWindowDays: Num
  referralBonus: Num
}

/** A message for an i18n key (vue-i18n's `t`). */
type Translate = (key: string, named?: Record<string, unknown>) => string

export const newProgramForm = (): ProgramForm => ({
  pointsPerUnit: 1,
  unitMajor: 1,
  rounding: 'floor',
  pointsPerVisit: 0,
  minSpendMajor: 0,
  dailyCapPoints: null,
  promotions: [],
  tiers: [],
  tierWindowKind: 'rolling',
  tierWindowMonths: 12,
  tierGraceDays: 30,
  expiryMode: 'none',
  expiryMonths: 12,
  expiryRoundTo: 'none',
  welcomeBonus: 0,
  birthdayBonus: 0,
  birthdayWindowDays: 7,
  referralBonus: 0,
})

/** A new promotion: double points on Tuesday afternoons, to be edited. */
export const newPromotion = (): PromoForm => ({
  name: '',
  multiplier: 2,
  bonusPoints: 0,
  weekdays: [2],
  startTime: '14:00',
  endTime: '17:00',
  startDate: '',
  endDate: '',
})

/** A new tier above the last one. */
export function nextTier(tiers: TierForm[]): TierForm {
  const last = tiers[tiers.length - 1]
  return { name: '', threshold: (last?.threshold ?? 0) + 100, multiplier: last?.multiplier ?? 1, perks: '' }
}

/** The form for saved rules; `digits` are the currency's minor digits. */
export function formFromRules(r: ProgramRules, digits: number): ProgramForm {
  const toMajor = (minor: number) => minor / 10 ** digits
  return {
    pointsPerUnit: r.pointsPerUnit,
    unitMajor: toMajor(r.unitMinor),
    rounding: r.rounding,
    pointsPerVisit: r.pointsPerVisit,
    minSpendMajor: toMajor(r.minSpendMinor),
    dailyCapPoints: r.dailyCapPoints,
    promotions: r.promotions.map((p) => ({
      ...p,
      startDate: p.startDate ?? '',
      endDate: p.endDate ?? '',
      weekdays: [...p.weekdays],
    })),
    tiers: r.tiers.map((x) => ({ ...x })),
    tierWindowKind: r.tierWindow.kind,
    tierWindowMonths: r.tierWindow.kind === 'rolling' ? r.tierWindow.months : 12,
    tierGraceDays: r.tierGraceDays,
    expiryMode: r.expiry.mode,
    expiryMonths: r.expiry.mode === 'none' ? 12 : r.expiry.months,
    expiryRoundTo: r.expiry.mode === 'afterEarn' ? r.expiry.roundTo : 'none',
    welcomeBonus: r.welcomeBonus,
    birthdayBonus: r.birthdayBonus,
    birthdayWindowDays: r.birthdayWindowDays,
    referralBonus: r.referralBonus,
  }
}

/** The rules the form says; an empty number field becomes NaN, which validateRules reports. */
export function rulesFromForm(form: ProgramForm, digits: number): ProgramRulesInput {
  const n0 = (v: Num) => (v === null ? NaN : v)
  const toMinor = (major: Num) => (major === null ? NaN : Math.round(major * 10 ** digits))
  return {
    pointsPerUnit: n0(form.pointsPerUnit),
    unitMinor: toMinor(form.unitMajor),
    rounding: form.rounding,
    pointsPerVisit: n0(form.pointsPerVisit),
    minSpendMinor: toMinor(form.minSpendMajor),
    dailyCapPoints: form.dailyCapPoints,
    promotions: form.promotions.map((p) => ({
      name: p.name.trim(),
      multiplier: n0(p.multiplier),
      bonusPoints: n0(p.bonusPoints),
      weekdays: [...p.weekdays].sort(),
      startTime: p.startTime,
      endTime: p.endTime,
      startDate: p.startDate || null,
      endDate: p.endDate || null,
    })),
    tiers: form.tiers.map((x) => ({
      name: x.name.trim(),
      threshold: n0(x.threshold),
      multiplier: n0(x.multiplier),
      perks: x.perks.trim(),
    })),
    tierWindow:
      form.tierWindowKind === 'rolling'
        ? { kind: 'rolling', months: n0(form.tierWindowMonths) }
        : { kind: 'calendarYear' },
    tierGraceDays: n0(form.tierGraceDays),
    expiry:
      form.expiryMode === 'none'
        ? { mode: 'none' }
        : form.expiryMode === 'afterEarn'
          ? { mode: 'afterEarn', months: n0(form.expiryMonths), roundTo: form.expiryRoundTo }
          : { mode: 'inactivity', months: n0(form.expiryMonths) },
    welcomeBonus: n0(form.welcomeBonus),
    birthdayBonus: n0(form.birthdayBonus),
    birthdayWindowDays: n0(form.birthdayWindowDays),
    referralBonus: n0(form.referralBonus),
  }
}

/** Inline checks, keyed by the same paths the server uses, so server issues land on the same fields. */
export function validateRules(r: ProgramRulesInput, t: Translate, locale = 'en'): Record<string, string> {
  const e: Record<string, string> = {}
  const fmt = (n: number) => n.toLocaleString(locale)
  // Every miss (empty, "abc", 1.5, out of range) says the range, as the server does; nothing is clamped.
  const whole = (path: string, v: number | null | undefined, min = 0, max = 10_000_000) => {
    if (v === null || v === undefined || !Number.isInteger(v) || v < min || v > max)
      e[path] = t('program.errors.wholeRange', { min: fmt(min), max: fmt(max) })
  }
  const mult = (path: string, v: number | undefined) => {
    if (v === undefined || !Number.isFinite(v) || v < 1 || v > 10) e[path] = t('program.errors.multiplier')
  }
  whole('pointsPerUnit', r.pointsPerUnit, 0, 1000)
  if (!Number.isFinite(r.unitMinor) || r.unitMinor < 1) e.unitMinor = t('program.errors.positiveAmount')
  whole('pointsPerVisit', r.pointsPerVisit, 0, 10_000)
  if (!Number.isFinite(r.minSpendMinor) || (r.minSpendMinor ?? 0) < 0) e.minSpendMinor = t('program.errors.amount')
  if (r.dailyCapPoints !== null && r.dailyCapPoints !== undefined) whole('dailyCapPoints', r.dailyCapPoints, 1)
  r.promotions?.forEach((p, i) => {
    if (!p.name) e[`promotions.${i}.name`] = t('program.errors.required')
    else if (p.name.length > 60) e[`promotions.${i}.name`] = t('forms.tooLong', { max: 60 })
    mult(`promotions.${i}.multiplier`, p.multiplier)
    whole(`promotions.${i}.bonusPoints`, p.bonusPoints, 0, 100_000)
    if (!p.weekdays.length) e[`promotions.${i}.weekdays`] = t('program.errors.weekdays')
    if (p.endTime && p.endTime !== '00:00' && p.startTime && p.startTime >= p.endTime)
      e[`promotions.${i}.endTime`] = t('program.errors.endAfterStart')
    if (p.startDate && p.endDate && p.startDate > p.endDate)
      e[`promotions.${i}.endDate`] = t('program.errors.endAfterStart')
    if ((p.multiplier ?? 1) === 1 && (p.bonusPoints ?? 0) === 0)
      e[`promotions.${i}.multiplier`] ??= t('program.errors.promoDoesNothing')
  })
  r.tiers?.forEach((x, i) => {
    if (!x.name) e[`tiers.${i}.name`] = t('program.errors.required')
    else if (x.name.length > 30) e[`tiers.${i}.name`] = t('forms.tooLong', { max: 30 })
    if ((x.perks ?? '').length > 200) e[`tiers.${i}.perks`] = t('forms.tooLong', { max: 200 })
    whole(`tiers.${i}.threshold`, x.threshold, 1)
    mult(`tiers.${i}.multiplier`, x.multiplier)
    const prev = r.tiers![i - 1]
    if (prev && !e[`tiers.${i}.threshold`] && x.threshold <= prev.threshold)
      e[`tiers.${i}.threshold`] = t('program.errors.thresholdsIncrease')
    if (r.tiers!.findIndex((o) => o.name.toLowerCase() === x.name.toLowerCase()) !== i)
      e[`tiers.${i}.name`] = t('program.errors.tierNamesDiffer')
  })
  if (r.tierWindow?.kind === 'rolling') whole('tierWindow.months', r.tierWindow.months, 1, 36)
  whole('tierGraceDays', r.tierGraceDays, 0, 365)
  if (r.expiry && r.expiry.mode !== 'none') whole('expiry.months', r.expiry.months, 1, 120)
  whole('welcomeBonus', r.welcomeBonus, 0, 100_000)
  whole('birthdayBonus', r.birthdayBonus, 0, 100_000)
  whole('birthdayWindowDays', r.birthdayWindowDays, 0, 30)
  whole('referralBonus', r.referralBonus, 0, 100_000)
  return e
}
