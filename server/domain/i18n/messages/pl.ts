import type { ServerMessages } from './en.js'

export const pl: ServerMessages = {
  reasons: {
    purchase: 'Zakup za {amount}',
    paidWithReward: '{amount} zapłacono nagrodą',
    belowMinimum: 'poniżej minimum {amount}',
    perVisit: '+{n} za wizytę',
    promotion: 'x{m} {name}',
    promotionBonus: '+{n} {name}',
    tier: '{name} x{m}',
    dailyCap: 'osiągnięto dzienny limit ({n})',
    separator: ', ',
    welcome: 'Bonus powitalny',
    birthday: 'Wszystkiego najlepszego z okazji urodzin!',
    referral_inviter: 'Bonus za polecenie: zaproszona przez Ciebie osoba zrobiła pierwsze zakupy',
    referral_invited: 'Bonus za polecenie: powitanie od osoby, która Cię zaprosiła',
    reward: 'Nagroda: {reward}',
    expire:
      'Wygasł {n} punkt zdobyty {date} | Wygasły {n} punkty zdobyte {date} | Wygasło {n} punktów zdobytych {date}',
    undo: 'Cofnięto: {of}',
    moved_to: 'Przeniesiono na kartę {card}',
    moved_from: 'Przeniesiono z karty {card}',
    survey: 'Dziękujemy za udział w ankiecie „{title}”',
  },
  push: {
    surveyWithThanks:
      'Krótka ankieta: {n} punkt w podziękowaniu. | Krótka ankieta: {n} punkty w podziękowaniu. | Krótka ankieta: {n} punktów w podziękowaniu.',
    survey: 'Krótka ankieta.',
    visitQuestion: 'Jak było w {merchant}? Dotknij, aby ocenić wizytę.',
    earned:
      'Zdobywasz {n} punkt. Saldo: {balance}. | Zdobywasz {n} punkty. Saldo: {balance}. | Zdobywasz {n} punktów. Saldo: {balance}.',
  },
  automations: {
    welcome: {
      title: 'Witaj w programie {merchant}',
      body: 'Cześć, {name}! Twoja karta jest gotowa: pokaż ją przy kasie i zbieraj punkty.',
    },
    birthday: { title: 'Wszystkiego najlepszego, {name}!', body: '{merchant} ma dziś dla Ciebie niespodziankę.' },
    expiring: {
      title: 'Punkty wkrótce wygasną',
      body: 'Twoje punkty w {merchant} ({points}) wkrótce wygasną. Wykorzystaj je, zanim przepadną.',
    },
    tier_up: {
      title: 'Masz poziom {tier}!',
      body: 'Dziękujemy za wizyty w {merchant}, {name}. Ciesz się korzyściami poziomu {tier}.',
    },
    tier_at_risk: { title: 'Utrzymaj poziom {tier}', body: 'Odwiedź wkrótce {merchant}, a zachowasz poziom {tier}.' },
    winback: {
      title: 'Tęsknimy, {name}',
      body: 'Dawno Cię nie było. Wróć do {merchant}: czekają na Ciebie Twoje punkty ({points}).',
    },
  },
  coupons: {
    birthday: {
      title: 'Wszystkiego najlepszego! Mamy dla Ciebie prezent',
      description: 'Pokaż to przy kasie przy następnej wizycie.',
    },
    winback: {
      title: 'Tęsknimy! Prezent na Twoją następną wizytę',
      description: 'Pokaż to przy kasie, gdy do nas wrócisz.',
    },
  },
  signInEmail: {
    subject: 'Twój link do logowania w Loyalty Wallet',
    text: 'Otwórz ten link, aby zalogować się do swoich kart na tym urządzeniu:\n\n{url}\n\nLink działa raz, przez 15 minut. Jeśli to nie Ty o niego prosisz, zignoruj tę wiadomość.',
    button: 'Zaloguj się do moich kart',
  },
  csv: {
    ledger: {
      date_local: 'Data (lokalna)',
      date_utc: 'Data (UTC)',
      card_number: 'Numer karty',
      member: 'Klient',
      kind: 'Typ',
      points: 'Punkty',
      balance_after: 'Saldo po operacji',
      reason: 'Powód',
      amount: 'Kwota',
      currency: 'Waluta',
      staff: 'Pracownik',
      location: 'Lokal',
    },
    members: {
      card_number: 'Numer karty',
      name: 'Imię i nazwisko',
      email: 'E-mail',
      joined: 'Data dołączenia',
      tier: 'Poziom',
      balance: 'Saldo',
      visits: 'Wizyty',
      spend: 'Wydatki',
      currency: 'Waluta',
      last_visit: 'Ostatnia wizyta',
      marketing_consent: 'Zgoda marketingowa',
      joined_at_location: 'Miejsce dołączenia',
    },
    kinds: {
      earn: 'Naliczenie',
      redeem: 'Wymiana',
      expire: 'Wygaśnięcie',
      adjust: 'Korekta',
      reversal: 'Cofnięcie',
      bonus: 'Bonus',
      transfer: 'Przeniesienie',
    },
    yes: 'tak',
    no: 'nie',
  },
}
