/** The median of numbers already sorted ascending; null when there are none. */
export function medianOfSorted(s: ArrayLike<number>): number | null {
  if (s.length === 0) return null
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** The median; null when there are no numbers. */
export const median = (xs: readonly number[]) => medianOfSorted([...xs].sort((a, b) => a - b))
