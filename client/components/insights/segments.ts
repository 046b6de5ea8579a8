/** The insights segments as the console shows them; the definitions live in server/domain/insights.ts. */
export const LIFECYCLE_SEGMENTS = ['new', 'regular', 'occasional', 'at_risk', 'lapsed'] as const
export const INSIGHT_SEGMENTS = [...LIFECYCLE_SEGMENTS, 'high_value'] as const
export type InsightSegment = (typeof INSIGHT_SEGMENTS)[number]

export const isInsightSegment = (s: string): s is InsightSegment => (INSIGHT_SEGMENTS as readonly string[]).includes(s)

/** One colour per segment, dark enough for white text (contrast >= 4.5:1) and told apart by label too. */
export const SEGMENT_COLORS: Record<InsightSegment, string> = {
  new: '#1d4ed8',
  regular: '#047857',
  occasional: '#57534e',
  at_risk: '#b45309',
  lapsed: '#b91c1c',
  high_value: '#6d28d9',
}

export const percent = (r: number | null | undefined, locale: string) =>
  r === null || r === undefined
    ? '–'
    : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(r)
