import { isLocale, LOCALES, type Locale } from '../../contract/locales.js'

/**
 * The words on a wallet pass, in every language the app speaks (contract/locales.ts). Apple picks the
 * device's language from the pass's .lproj folders; Google shows the translated value for the device's
 * language and otherwise the default value, which is the member's stored language (customers.locale).
 */
export const PASS_LANGUAGES = LOCALES
export type PassLanguage = Locale

// A type, not an interface: passkit-generator's localize() takes a string record.
export type PassText = {
  points: string
  member: string
  tier: string
  next: string
  cardNumber: string
  /** Apple's balance-change notification; %@ is the new balance. */
  changeMessage: string
  howTo: string
  howToBody: string
  locations: string
}
export type PassTextKey = keyof PassText

export const PASS_TEXT: Record<PassLanguage, PassText> = {
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
  ro: {
    points: 'Puncte',
    member: 'Membru',
    tier: 'Nivel',
    next: 'Puncte până la nivelul următor',
    cardNumber: 'Numărul cardului',
    // "Ai 20 de puncte" needs "de" from 20 up: the balance after a colon reads right for every number.
    changeMessage: 'Soldul tău de puncte: %@',
    howTo: 'Cum folosești cardul',
    howToBody:
      'Arată acest cod la casă: personalul îți găsește cardul și îți adaugă punctele. Ca să răscumperi o recompensă sau un cupon, deschide cardul în aplicația Loyalty Wallet (codul lui se schimbă la fiecare 30 de secunde) sau arată codul cuponului.',
    locations: 'Unde ne găsești',
  },
  hu: {
    points: 'Pontok',
    member: 'Tag',
    tier: 'Szint',
    next: 'Pont a következő szintig',
    cardNumber: 'Kártyaszám',
    changeMessage: 'Most %@ pontja van',
    howTo: 'A kártya használata',
    howToBody:
      'Fizetéskor mutassa meg ezt a kódot: a személyzet megtalálja a kártyáját, és jóváírja a pontokat. Jutalom vagy kupon beváltásához nyissa meg a kártyát a Loyalty Wallet alkalmazásban (a kódja 30 másodpercenként változik), vagy mutassa meg a kupon saját kódját.',
    locations: 'Hol talál meg minket',
  },
  'zh-Hant': {
    points: '點數',
    member: '會員',
    tier: '會員等級',
    next: '升級還差點數',
    cardNumber: '卡號',
    changeMessage: '你現在有 %@ 點',
    howTo: '如何使用這張卡',
    howToBody:
      '結帳時出示這個條碼，店員就能找到你的卡並幫你集點。要兌換獎勵或優惠券，請在 Loyalty Wallet App 開啟會員卡（條碼每 30 秒更新一次），或出示優惠券本身的條碼。',
    locations: '門市',
  },
}

/** The member's stored language when it is one of ours, else English. */
export const passLanguage = (stored: string | null | undefined): PassLanguage => (isLocale(stored) ? stored : 'en')
