import type { ReasonMessages } from '../reasons.js'

/**
 * What the server itself writes to people, in English; every other language has the same shape
 * (`ServerMessages`), so a missing string fails the typecheck. Plural messages list forms with
 * " | " in the language's CLDR order (see ../plural.ts). {name} placeholders.
 */
export const en = {
  reasons: {
    purchase: 'Purchase of {amount}',
    paidWithReward: '{amount} paid with a reward',
    belowMinimum: 'below the {amount} minimum',
    perVisit: '+{n} per visit',
    promotion: 'x{m} {name}',
    promotionBonus: '+{n} {name}',
    tier: '{name} x{m}',
    dailyCap: 'daily cap of {n} reached',
    separator: ', ',
    welcome: 'Welcome bonus',
    birthday: 'Happy birthday!',
    referral_inviter: 'Referral bonus: a friend you invited made their first purchase',
    referral_invited: 'Referral bonus: welcome from the friend who invited you',
    reward: 'Reward: {reward}',
    expire: '{n} point earned on {date} expired | {n} points earned on {date} expired',
    undo: 'Undo: {of}',
    moved_to: 'Moved to card {card}',
    moved_from: 'Moved from card {card}',
    survey: 'Thank you for answering “{title}”',
  } satisfies ReasonMessages,
  push: {
    surveyWithThanks: 'A short survey: {n} point to thank you. | A short survey: {n} points to thank you.',
    survey: 'A short survey.',
    visitQuestion: 'How was your visit to {merchant}? Tap to rate it.',
    earned: 'You earned {n} point. Balance: {balance}. | You earned {n} points. Balance: {balance}.',
  },
  /** The automations' texts until a merchant writes their own. */
  automations: {
    welcome: {
      title: 'Welcome to {merchant}',
      body: 'Hi {name}! Your card is ready: show it at the till to collect points.',
    },
    birthday: { title: 'Happy birthday, {name}!', body: '{merchant} has a treat for you today.' },
    expiring: {
      title: 'Points expiring soon',
      body: '{points} of your points at {merchant} expire soon. Use them before they go.',
    },
    tier_up: { title: 'You reached {tier}!', body: 'Thanks for visiting {merchant}, {name}. Enjoy your {tier} perks.' },
    tier_at_risk: { title: 'Keep your {tier} status', body: 'A visit to {merchant} soon keeps you at {tier}.' },
    winback: {
      title: 'We miss you, {name}',
      body: 'It has been a while. Come back to {merchant}: your {points} points are waiting.',
    },
  },
  /** The birthday and win-back automations' coupons (coupons.title, coupons.description). */
  coupons: {
    birthday: { title: 'Happy birthday: a treat on us', description: 'Show this at the till on your next visit.' },
    winback: {
      title: 'We miss you: a treat on your next visit',
      description: 'Show this at the till when you come back.',
    },
  },
  signInEmail: {
    subject: 'Your Loyalty Wallet sign-in link',
    text: 'Open this link to sign in to your loyalty cards on this device:\n\n{url}\n\nThe link works once, for 15 minutes. If you did not ask for it, ignore this message.',
    button: 'Sign in to my cards',
  },
  csv: {
    ledger: {
      date_local: 'Date (local)',
      date_utc: 'Date (UTC)',
      card_number: 'Card number',
      member: 'Member',
      kind: 'Type',
      points: 'Points',
      balance_after: 'Balance after',
      reason: 'Reason',
      amount: 'Amount',
      currency: 'Currency',
      staff: 'Staff',
      location: 'Location',
    },
    members: {
      card_number: 'Card number',
      name: 'Name',
      email: 'Email',
      joined: 'Joined',
      tier: 'Tier',
      balance: 'Balance',
      visits: 'Visits',
      spend: 'Spend',
      currency: 'Currency',
      last_visit: 'Last visit',
      marketing_consent: 'Marketing consent',
      joined_at_location: 'Joined at',
    },
    kinds: {
      earn: 'Earned',
      redeem: 'Redeemed',
      expire: 'Expired',
      adjust: 'Correction',
      reversal: 'Undone',
      bonus: 'Bonus',
      transfer: 'Transfer',
    },
    yes: 'yes',
    no: 'no',
  },
}

export type ServerMessages = typeof en
