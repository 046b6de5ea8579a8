/** What the sign-up form suggests: a country's currency, the browser's country and time zone. */

export const COUNTRY_CURRENCY: Record<string, string> = {
  PL: 'PLN',
  DE: 'EUR',
  AT: 'EUR',
  FR: 'EUR',
  IT: 'EUR',
  ES: 'EUR',
  PT: 'EUR',
  NL: 'EUR',
  BE: 'EUR',
  IE: 'EUR',
  FI: 'EUR',
  SK: 'EUR',
  SI: 'EUR',
  EE: 'EUR',
  LV: 'EUR',
  LT: 'EUR',
  GR: 'EUR',
  HR: 'EUR',
  GB: 'GBP',
  US: 'USD',
  CA: 'CAD',
  AU: 'AUD',
  CH: 'CHF',
  CZ: 'CZK',
  HU: 'HUF',
  RO: 'RON',
  SE: 'SEK',
  NO: 'NOK',
  DK: 'DKK',
  TW: 'TWD',
  JP: 'JPY',
}
export const CURRENCIES = [...new Set(Object.values(COUNTRY_CURRENCY))].sort()

/** The region of the first browser language that names one and we list ("pl-PL" -> PL), else PL. */
export function browserCountry(): string {
  for (const lang of navigator.languages ?? [navigator.language]) {
    const region = lang.split('-')[1]?.toUpperCase()
    if (region && COUNTRY_CURRENCY[region]) return region
  }
  return 'PL'
}

export const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'

export function timeZones(): string[] {
  const zone = browserZone()
  try {
    const zones = Intl.supportedValuesOf('timeZone')
    return zones.includes(zone) ? zones : [zone, ...zones]
  } catch {
    return [zone, 'UTC']
  }
}

/** Country names in the UI language, sorted by name. */
export function countries(locale: string): Array<{ code: string; name: string }> {
  let names: Intl.DisplayNames | null = null
  try {
    names = new Intl.DisplayNames([locale], { type: 'region' })
  } catch {
    names = null
  }
  return Object.keys(COUNTRY_CURRENCY)
    .map((code) => ({ code, name: names?.of(code) ?? code }))
    .sort((a, b) => a.name.localeCompare(b.name, locale))
}
