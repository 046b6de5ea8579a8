import { contrastRatio, parseHex, readableTextOn } from '../../lib/color.js'

/** WCAG 2 thresholds for normal text. */
export const AA = 4.5
export const AAA = 7
/** Below this the card passes AA only narrowly (mid-tones with black text): worth a warning. */
export const COMFORTABLE = 5.5

/** The contrast of the card's text (white or dark, whichever readableTextOn picks) on `background`. */
export const textContrast = (background: string): number => contrastRatio(readableTextOn(background), background)

const toHex = (rgb: number[]) => `#${rgb.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`

/**
 * The nearest shade of `hex` (mixed towards black or white, whichever gets there sooner) whose text
 * contrast reaches `target`. Mid-tones read only just above AA with black text; this offers better.
 */
export function shadeForContrast(hex: string, target = AAA): string {
  const rgb = parseHex(hex)
  if (!rgb || textContrast(hex) >= target) return hex
  for (let step = 1; step <= 20; step++) {
    const f = step / 20
    const darker = toHex(rgb.map((v) => v * (1 - f)))
    if (textContrast(darker) >= target) return darker
    const lighter = toHex(rgb.map((v) => v + (255 - v) * f))
    if (textContrast(lighter) >= target) return lighter
  }
  return '#000000'
}
