/**
 * The words on a wallet pass, in the languages the app speaks (en, pl). Apple picks the device's
 * language from the pass's .lproj folders; Google takes translated values per field.
 */
export const PASS_LANGUAGES = ['en', 'pl'] as const
export type PassLanguage = (typeof PASS_LANGUAGES)[number]

export const PASS_TEXT: Record<PassLanguage, Record<string, string>> = {
  en: {
    points: 'Points',
    member: 'Member',
    tier: 'Tier',
    next: 'Points to next tier',
    cardNumber: 'Card number',
    changeMessage: 'You now have %@ points',
    howTo: 'How to use this pass',
    howToBody:
      'Show this code at the till: staff can find your card and add points. To redeem a reward or a coupon, open the card in the Loyalty Wallet app: its code changes every 30 seconds, or show the coupon’s own code.',
    locations: 'Where',
  },
  pl: {
    points: 'Punkty',
    member: 'Uczestnik',
    tier: 'Poziom',
    next: 'Punkty do następnego poziomu',
    cardNumber: 'Numer karty',
    changeMessage: 'Masz teraz %@ pkt',
    howTo: 'Jak używać tej karty',
    howToBody:
      'Pokaż ten kod przy kasie: obsługa znajdzie Twoją kartę i doda punkty. Aby wymienić nagrodę lub kupon, otwórz kartę w aplikacji Loyalty Wallet (jej kod zmienia się co 30 sekund) albo pokaż kod kuponu.',
    locations: 'Gdzie',
  },
}
