import type { ServerMessages } from './en.js'

/**
 * Hungarian takes the singular after a number (5 pont): its two plural forms (one | other) read the same. Formal (Ön),
 * as the app's Hungarian screens are.
 */
export const hu: ServerMessages = {
  reasons: {
    purchase: 'Vásárlás: {amount}',
    paidWithReward: 'ebből {amount} jutalommal fizetve',
    belowMinimum: 'a minimum ({amount}) alatt',
    perVisit: '+{n} a látogatásért',
    promotion: 'x{m} {name}',
    promotionBonus: '+{n} {name}',
    tier: '{name} x{m}',
    dailyCap: 'napi limit ({n}) elérve',
    separator: ', ',
    welcome: 'Üdvözlő bónusz',
    birthday: 'Boldog születésnapot!',
    referral_inviter: 'Ajánlási bónusz: egy Ön által meghívott ismerőse először vásárolt',
    referral_invited: 'Ajánlási bónusz: üdvözlet az ismerősétől, aki meghívta',
    reward: 'Jutalom: {reward}',
    expire: '{n} pont lejárt (gyűjtve: {date}) | {n} pont lejárt (gyűjtve: {date})',
    undo: 'Visszavonva: {of}',
    moved_to: 'Áthelyezve erre a kártyára: {card}',
    moved_from: 'Áthelyezve erről a kártyáról: {card}',
    survey: 'Köszönjük, hogy kitöltötte: „{title}”',
  },
  push: {
    surveyWithThanks:
      'Egy rövid kérdőív: köszönetként {n} pontot kap. | Egy rövid kérdőív: köszönetként {n} pontot kap.',
    survey: 'Egy rövid kérdőív.',
    visitQuestion: 'Milyen volt a(z) {merchant} üzletben? Koppintson, és értékelje a látogatását.',
    earned: '{n} pontot kapott. Egyenleg: {balance}. | {n} pontot kapott. Egyenleg: {balance}.',
  },
  automations: {
    welcome: {
      title: 'Üdvözli a(z) {merchant}',
      body: 'Kedves {name}! Elkészült a kártyája: mutassa fel a kasszánál, és gyűjtse a pontokat.',
    },
    birthday: { title: 'Boldog születésnapot, {name}!', body: 'A(z) {merchant} ma meglepetéssel várja.' },
    expiring: {
      title: 'Hamarosan lejárnak a pontjai',
      body: 'A(z) {merchant} pontjaiból {points} hamarosan lejár. Használja fel őket, mielőtt elvesznek.',
    },
    tier_up: {
      title: 'Elérte a(z) {tier} szintet!',
      body: 'Köszönjük, hogy a(z) {merchant} vendége, {name}. Élvezze a(z) {tier} szint előnyeit.',
    },
    tier_at_risk: {
      title: 'Tartsa meg a(z) {tier} szintet',
      body: 'Látogasson el hamarosan a(z) {merchant} üzletbe, és megmarad a(z) {tier} szintje.',
    },
    winback: {
      title: 'Hiányzik nekünk, {name}',
      body: 'Rég járt nálunk. Jöjjön vissza a(z) {merchant} üzletbe: {points} pontja várja.',
    },
  },
  coupons: {
    birthday: {
      title: 'Boldog születésnapot! Egy kis ajándék tőlünk',
      description: 'Mutassa meg fizetéskor, amikor legközelebb nálunk jár.',
    },
    winback: {
      title: 'Hiányzik nekünk: ajándék a következő látogatására',
      description: 'Mutassa meg fizetéskor, amikor visszatér hozzánk.',
    },
  },
  signInEmail: {
    subject: 'Bejelentkezési link a Loyalty Wallethez',
    text: 'Nyissa meg ezt a linket, hogy ezen az eszközön bejelentkezzen a hűségkártyáihoz:\n\n{url}\n\nA link egyszer használható, 15 percig érvényes. Ha nem Ön kérte, nyugodtan hagyja figyelmen kívül ezt az üzenetet.',
    button: 'Belépés a kártyáimhoz',
  },
  csv: {
    ledger: {
      date_local: 'Dátum (helyi idő)',
      date_utc: 'Dátum (UTC)',
      card_number: 'Kártyaszám',
      member: 'Tag',
      kind: 'Típus',
      points: 'Pont',
      balance_after: 'Egyenleg utána',
      reason: 'Indok',
      amount: 'Összeg',
      currency: 'Pénznem',
      staff: 'Munkatárs',
      location: 'Üzlet',
    },
    members: {
      card_number: 'Kártyaszám',
      name: 'Név',
      email: 'E-mail',
      joined: 'Csatlakozás',
      tier: 'Szint',
      balance: 'Egyenleg',
      visits: 'Látogatások',
      spend: 'Költés',
      currency: 'Pénznem',
      last_visit: 'Utolsó látogatás',
      marketing_consent: 'Marketinghozzájárulás',
      joined_at_location: 'Csatlakozás helye',
    },
    kinds: {
      earn: 'Gyűjtés',
      redeem: 'Beváltás',
      expire: 'Lejárat',
      adjust: 'Korrekció',
      reversal: 'Visszavonás',
      bonus: 'Bónusz',
      transfer: 'Átvezetés',
    },
    yes: 'igen',
    no: 'nem',
  },
}
