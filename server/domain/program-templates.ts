import type { BusinessKind, ProgramTemplate } from '../contract/platform.js'

/*
 * Ready-made programs, one per kind of business: sensible starting points the owner edits before
 * applying (the first-run checklist shows every value). Points are earned per "unit" of spending,
 * scaled by currency so a coffee is worth a similar number of points in euros, złoty or forints.
 */

type Locale = 'en' | 'pl'
type Text = Record<Locale, string>
interface RewardSeed {
  name: Text
  terms: Text
  image: string
  pointsCost: number
}
interface KindSeed {
  welcomeBonus: number
  birthdayBonus: number
  expiryMonths: number | null
  stampCard: { stampsRequired: number; rewardTitle: Text; rewardTerms: Text } | null
  rewards: RewardSeed[]
}

const t = (en: string, pl: string): Text => ({ en, pl })
const reward = (image: string, pointsCost: number, name: Text, terms: Text): RewardSeed => ({
  image,
  pointsCost,
  name,
  terms,
})

const SEEDS: Record<BusinessKind, KindSeed> = {
  cafe: {
    welcomeBonus: 10,
    birthdayBonus: 20,
    expiryMonths: 12,
    stampCard: {
      stampsRequired: 10,
      rewardTitle: t('Free coffee', 'Darmowa kawa'),
      rewardTerms: t('Any coffee, any size.', 'Dowolna kawa, dowolny rozmiar.'),
    },
    rewards: [
      reward('☕', 40, t('Free coffee', 'Darmowa kawa'), t('Any size, any milk.', 'Dowolny rozmiar i mleko.')),
      reward('🥐', 50, t('Pastry of your choice', 'Wypiek do wyboru'), t('From the counter.', 'Z lady.')),
      reward(
        '🫘',
        150,
        t('Coffee beans, 250 g', 'Kawa ziarnista, 250 g'),
        t('While stocks last.', 'Do wyczerpania zapasów.'),
      ),
    ],
  },
  restaurant: {
    welcomeBonus: 20,
    birthdayBonus: 50,
    expiryMonths: 12,
    stampCard: {
      stampsRequired: 8,
      rewardTitle: t('Free dessert', 'Darmowy deser'),
      rewardTerms: t('With a main course.', 'Do dania głównego.'),
    },
    rewards: [
      reward('🥤', 60, t('Free drink', 'Darmowy napój'), t('Soft drink or coffee.', 'Napój bezalkoholowy lub kawa.')),
      reward('🍰', 90, t('Free dessert', 'Darmowy deser'), t('Any dessert from the menu.', 'Dowolny deser z karty.')),
      reward(
        '🍽️',
        300,
        t('Main course on us', 'Danie główne gratis'),
        t('Up to the price of the set menu.', 'Do ceny zestawu dnia.'),
      ),
    ],
  },
  bakery: {
    welcomeBonus: 5,
    birthdayBonus: 20,
    expiryMonths: 12,
    stampCard: {
      stampsRequired: 10,
      rewardTitle: t('Free loaf of bread', 'Darmowy bochenek chleba'),
      rewardTerms: t('Any loaf from the shelf.', 'Dowolny bochenek z półki.'),
    },
    rewards: [
      reward('🥐', 25, t('Free croissant', 'Darmowy rogalik'), t('Butter or almond.', 'Maślany lub migdałowy.')),
      reward('☕', 35, t('Coffee to go', 'Kawa na wynos'), t('Any size.', 'Dowolny rozmiar.')),
      reward('🎂', 80, t('Slice of cake', 'Kawałek ciasta'), t('From the counter.', 'Z lady.')),
    ],
  },
  bar: {
    welcomeBonus: 10,
    birthdayBonus: 30,
    expiryMonths: 6,
    stampCard: {
      stampsRequired: 8,
      rewardTitle: t('Free drink', 'Darmowy drink'),
      rewardTerms: t('Beer, wine or a soft drink.', 'Piwo, wino lub napój.'),
    },
    rewards: [
      reward('🍺', 50, t('Free beer', 'Darmowe piwo'), t('Draught, 0.5 l.', 'Z beczki, 0,5 l.')),
      reward('🥨', 70, t('Snack platter', 'Deska przekąsek'), t('To share.', 'Do podzielenia się.')),
      reward(
        '🍸',
        100,
        t('Cocktail of the house', 'Koktajl firmowy'),
        t('From the cocktail menu.', 'Z karty koktajli.'),
      ),
    ],
  },
  salon: {
    welcomeBonus: 20,
    birthdayBonus: 50,
    expiryMonths: 12,
    stampCard: {
      stampsRequired: 6,
      rewardTitle: t('Free hair mask treatment', 'Darmowa maska do włosów'),
      rewardTerms: t('With any appointment.', 'Przy dowolnej wizycie.'),
    },
    rewards: [
      reward(
        '💅',
        100,
        t('Nail polish of your choice', 'Lakier do paznokci do wyboru'),
        t('From our shelf.', 'Z naszej półki.'),
      ),
      reward(
        '💆',
        200,
        t('Scalp massage', 'Masaż skóry głowy'),
        t('15 minutes, with any appointment.', '15 minut, przy dowolnej wizycie.'),
      ),
      reward(
        '✂️',
        400,
        t('20% off a treatment', '20% zniżki na zabieg'),
        t('One treatment, any day.', 'Jeden zabieg, dowolny dzień.'),
      ),
    ],
  },
  retail: {
    welcomeBonus: 20,
    birthdayBonus: 50,
    expiryMonths: 24,
    stampCard: null,
    rewards: [
      reward('🎁', 100, t('Small gift', 'Mały upominek'), t('Ask at the till.', 'Zapytaj przy kasie.')),
      reward(
        '🏷️',
        250,
        t('10% off one purchase', '10% zniżki na jeden zakup'),
        t('Not with other offers.', 'Nie łączy się z innymi promocjami.'),
      ),
      reward('🛍️', 500, t('Tote bag', 'Torba na zakupy'), t('While stocks last.', 'Do wyczerpania zapasów.')),
    ],
  },
  other: {
    welcomeBonus: 10,
    birthdayBonus: 20,
    expiryMonths: 12,
    stampCard: {
      stampsRequired: 10,
      rewardTitle: t('A thank-you on us', 'Podziękowanie od nas'),
      rewardTerms: t('Ask at the till.', 'Zapytaj przy kasie.'),
    },
    rewards: [
      reward('🎁', 50, t('Small thank-you gift', 'Mały upominek'), t('Ask at the till.', 'Zapytaj przy kasie.')),
      reward('🏷️', 150, t('Discount voucher', 'Bon rabatowy'), t('On your next purchase.', 'Na kolejny zakup.')),
      reward('⭐', 300, t('Big reward', 'Duża nagroda'), t('Ask at the till.', 'Zapytaj przy kasie.')),
    ],
  },
}

/**
 * How many minor units of a currency buy what one euro does, roughly (a point a euro is the base).
 * Currencies not listed earn a point per 100 minor units.
 */
const UNIT_MINOR: Record<string, number> = {
  EUR: 100,
  USD: 100,
  GBP: 100,
  CHF: 100,
  PLN: 400,
  RON: 500,
  CZK: 2500,
  HUF: 40000,
  SEK: 1000,
  NOK: 1000,
  DKK: 700,
  TWD: 3000,
  JPY: 150,
}

export const unitMinorFor = (currency: string): number => UNIT_MINOR[currency] ?? 100

/** The ready-made program of a kind, in the owner's language, for the business's currency. */
export function programTemplate(kind: BusinessKind, currency: string, locale: Locale): ProgramTemplate {
  const s = SEEDS[kind]
  return {
    kind,
    pointsPerUnit: 1,
    unitMinor: unitMinorFor(currency),
    welcomeBonus: s.welcomeBonus,
    birthdayBonus: s.birthdayBonus,
    expiryMonths: s.expiryMonths,
    stampCard: s.stampCard && {
      stampsRequired: s.stampCard.stampsRequired,
      rewardTitle: s.stampCard.rewardTitle[locale],
      rewardTerms: s.stampCard.rewardTerms[locale],
    },
    rewards: s.rewards.map((r) => ({
      name: r.name[locale],
      terms: r.terms[locale],
      image: r.image,
      pointsCost: r.pointsCost,
    })),
  }
}
