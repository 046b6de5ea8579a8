import type { ServerMessages } from './en.js'

export const ro: ServerMessages = {
  reasons: {
    purchase: 'Cumpărătură de {amount}',
    paidWithReward: 'din care {amount} cu o recompensă',
    belowMinimum: 'sub minimul de {amount}',
    perVisit: '+{n} pentru vizită',
    promotion: 'x{m} {name}',
    promotionBonus: '+{n} {name}',
    tier: '{name} x{m}',
    dailyCap: 'limita zilnică ({n}) a fost atinsă',
    separator: ', ',
    welcome: 'Bonus de bun venit',
    birthday: 'La mulți ani!',
    referral_inviter: 'Bonus de recomandare: un prieten invitat de tine a făcut prima cumpărătură',
    referral_invited: 'Bonus de recomandare: bun venit din partea prietenului care te-a invitat',
    reward: 'Recompensă: {reward}',
    expire:
      'A expirat {n} punct câștigat pe {date} | Au expirat {n} puncte câștigate pe {date} | Au expirat {n} de puncte câștigate pe {date}',
    undo: 'Anulat: {of}',
    moved_to: 'Mutat pe cardul {card}',
    moved_from: 'Mutat de pe cardul {card}',
    survey: 'Mulțumim că ai răspuns la „{title}”',
  },
  push: {
    surveyWithThanks:
      'Un sondaj scurt: {n} punct drept mulțumire. | Un sondaj scurt: {n} puncte drept mulțumire. | Un sondaj scurt: {n} de puncte drept mulțumire.',
    survey: 'Un sondaj scurt.',
    visitQuestion: 'Cum a fost vizita la {merchant}? Atinge ca s-o evaluezi.',
    earned:
      'Ai primit {n} punct. Sold: {balance}. | Ai primit {n} puncte. Sold: {balance}. | Ai primit {n} de puncte. Sold: {balance}.',
  },
  automations: {
    welcome: {
      title: 'Bun venit la {merchant}',
      body: 'Salut, {name}! Cardul tău e gata: arată-l la casă și strânge puncte.',
    },
    birthday: { title: 'La mulți ani, {name}!', body: '{merchant} are o surpriză pentru tine azi.' },
    expiring: {
      title: 'Punctele tale expiră curând',
      body: 'Punctele tale de la {merchant} ({points}) expiră curând. Folosește-le până nu se pierd.',
    },
    tier_up: {
      title: 'Ai ajuns la nivelul {tier}!',
      body: 'Mulțumim că vii la {merchant}, {name}. Bucură-te de avantajele nivelului {tier}.',
    },
    tier_at_risk: {
      title: 'Păstrează-ți nivelul {tier}',
      body: 'O vizită la {merchant} în curând te menține la nivelul {tier}.',
    },
    winback: {
      title: 'Ne e dor de tine, {name}',
      body: 'A trecut ceva vreme. Revino la {merchant}: punctele tale ({points}) te așteaptă.',
    },
  },
  coupons: {
    birthday: {
      title: 'La mulți ani! Un cadou din partea casei',
      description: 'Arată asta la casă data viitoare când treci pe la noi.',
    },
    winback: {
      title: 'Ne e dor de tine: un cadou la următoarea vizită',
      description: 'Arată asta la casă când revii.',
    },
  },
  signInEmail: {
    subject: 'Linkul tău de conectare la Loyalty Wallet',
    text: 'Deschide acest link ca să te conectezi la cardurile tale de fidelitate pe acest dispozitiv:\n\n{url}\n\nLinkul funcționează o singură dată, timp de 15 minute. Dacă nu l-ai cerut tu, ignoră acest mesaj.',
    button: 'Intră în cardurile mele',
  },
  csv: {
    ledger: {
      date_local: 'Data (ora locală)',
      date_utc: 'Data (UTC)',
      card_number: 'Număr card',
      member: 'Membru',
      kind: 'Tip',
      points: 'Puncte',
      balance_after: 'Sold după',
      reason: 'Motiv',
      amount: 'Sumă',
      currency: 'Monedă',
      staff: 'Angajat',
      location: 'Locație',
    },
    members: {
      card_number: 'Număr card',
      name: 'Nume',
      email: 'E-mail',
      joined: 'Data înscrierii',
      tier: 'Nivel',
      balance: 'Sold',
      visits: 'Vizite',
      spend: 'Cheltuieli',
      currency: 'Monedă',
      last_visit: 'Ultima vizită',
      marketing_consent: 'Acord marketing',
      joined_at_location: 'Locația înscrierii',
    },
    kinds: {
      earn: 'Acumulare',
      redeem: 'Folosire',
      expire: 'Expirare',
      adjust: 'Corecție',
      reversal: 'Anulare',
      bonus: 'Bonus',
      transfer: 'Mutare',
    },
    yes: 'da',
    no: 'nu',
  },
}
