/** Colour helpers for brand colours: readable text on any merchant colour (WCAG 2 contrast). */

export type Rgb = [number, number, number]

export function parseHex(hex: string): Rgb | null {
  const m = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i.exec(hex.trim())
  if (!m) return null
  let h = m[1]!
  if (h.length === 3) h = [...h].map((c) => c + c).join('')
  const n = Number.parseInt(h, 16)
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255]
}

function channel(v: number): number {
  const s = v / 255
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
}

export function relativeLuminance(hex: string): number {
  const rgb = parseHex(hex) ?? [0, 0, 0]
  return 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])
}

export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(a)
  const lb = relativeLuminance(b)
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05)
}

const WHITE = '#ffffff'
const NEAR_BLACK = '#111827'
const BLACK = '#000000'

/**
 * White or near-black, whichever reads better on `background`. For mid-tones where neither reaches
 * AA (4.5:1), pure black does: the worst case for white-or-black is about 4.58:1.
 */
export function readableTextOn(background: string): string {
  const white = contrastRatio(WHITE, background)
  const dark = contrastRatio(NEAR_BLACK, background)
  if (Math.max(white, dark) >= 4.5) return white >= dark ? WHITE : NEAR_BLACK
  return white >= contrastRatio(BLACK, background) ? WHITE : BLACK
}

/** A safe CSS colour from server data; falls back when the value is not a #rrggbb colour. */
export function safeColor(hex: string | null | undefined, fallback = '#4338ca'): string {
  return hex && parseHex(hex) ? hex : fallback
}

/** CSS custom properties for a branded surface. */
export function brandStyle(brand: string | null | undefined, accent?: string | null): Record<string, string> {
  const bg = safeColor(brand)
  return {
    '--brand': bg,
    '--on-brand': readableTextOn(bg),
    '--brand-accent': safeColor(accent, bg),
  }
}
