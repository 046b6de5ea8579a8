import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeTx } from '../../server/db/connection.js'
import { lockedCardById } from '../../server/db/queries/cards.js'
import { systemActor } from '../../server/services/program/engine.js'
import { postEntry } from '../../server/services/program/post-entry.js'
import { couponIssuer } from '../../server/services/perks/coupon-issuer.js'
import { runBirthdays, runWelcome, sendDueOffers } from '../../server/services/push/automations.js'
import { earn, linkIn, startMailbox } from '../helpers/account.js'
import { idemKey, merchantWithOwner, scan } from '../helpers/factories.js'
import { all } from '../helpers/db.js'
import { addDevice } from '../helpers/push.js'
import { makeTestApp, type TestApp, type TestClient } from '../helpers/test-app.js'

/* Issue 20: reasons in the reader's language, each member's language for pushes and the sign-in email. */
let t: TestApp
let mailbox: Awaited<ReturnType<typeof startMailbox>>
beforeEach(async () => {
  mailbox = await startMailbox()
  t = await makeTestApp({ SMTP_URL: mailbox.url })
})
afterEach(async () => {
  await t.close()
  await mailbox.close()
})

async function join(slug: string, name: string, locale?: string, email?: string, client: TestClient = t.client()) {
  const res = await client.post('/api/join', { slug, name, email, locale, marketingConsent: true })
  expect(res.status).toBe(201)
  return { client, card: res.body.card as { id: string; cardNumber: string; totpSecret: string } }
}
const payloads = async (kind: string, cardId: string) =>
  (
    (await all(
      t.db,
      'select payload from push_notifications where kind = ? and card_id = ? order by created_at',
      kind,
      cardId,
    )) as { payload: string }[]
  ).map((r) => JSON.parse(r.payload) as { title: string; body: string })
/** The reason column of each data row (RFC 4180: quoted fields may hold commas and doubled quotes). */
function csvReasons(csv: string): string[] {
  const rows = csv.trim().split('\r\n').slice(1)
  return rows.map((row) => {
    const cells: string[] = []
    for (const m of row.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)) {
      cells.push(m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!)
      if (!m[2]) break
    }
    return cells[7]!
  })
}

describe("a ledger entry's reason", () => {
  it('renders in each language from its code; an entry from before the codes shows its text', async () => {
    const m = await merchantWithOwner(t)
    const { client, card } = await join(m.slug, 'Ada', 'pl')
    await earn(t, m.owner, card, 700)
    // An entry as they were written before reason codes (0060): text only.
    await writeTx(t.db, async (tx) =>
      postEntry(
        tx,
        (await lockedCardById(tx, card.id))!,
        systemActor(m.merchantId),
        { kind: 'adjust', points: 1, reason: 'Old goodwill' },
        null,
        t.clock.now(),
      ),
    )

    const history = (await client.get(`/api/me/cards/${card.id}/history`)).body.entries
    expect(history.map((e: { reasonCode: string | null }) => e.reasonCode)).toEqual([null, 'purchase'])
    expect(history[1]).toMatchObject({ reason: 'Purchase of 7.00 EUR', reasonParams: { amount: 700, currency: 'EUR' } })

    const exported = async (lang?: string) =>
      (
        await m.owner.get(
          `/api/merchant/exports/ledger.csv?from=2026-03-10&to=2026-03-10${lang ? `&lang=${lang}` : ''}`,
        )
      ).body as string
    // Without a language: the column keys and the stored English text, as integrations read them.
    expect((await exported()).split('\r\n')[0]).toBe(
      'date_local,date_utc,card_number,member,kind,points,balance_after,reason,amount,currency,staff,location',
    )
    expect(csvReasons(await exported())).toEqual(['Purchase of 7.00 EUR', 'Old goodwill'])
    const nb = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ')
    const expected: Record<string, [string, string]> = {
      en: ['Date (local)', '€7.00'],
      pl: ['Data (lokalna)', 'Zakup za 7,00 €'],
      ro: ['Data (ora locală)', 'Cumpărătură de 7,00 EUR'],
      hu: ['Dátum (helyi idő)', 'Vásárlás: 7,00 EUR'],
      'zh-Hant': ['日期（當地時間）', '消費 €7.00'],
    }
    for (const [lang, [header, reason]] of Object.entries(expected)) {
      const csv = nb(await exported(lang))
      expect(csv.split('\r\n')[0]!.startsWith(header), lang).toBe(true)
      const [purchase, old] = csvReasons(csv)
      expect(purchase, lang).toContain(lang === 'en' ? `Purchase of ${reason}` : reason)
      expect(old, lang).toBe('Old goodwill')
    }
  })

  it('keeps the reason of what an undo undid', async () => {
    const m = await merchantWithOwner(t)
    const { client, card } = await join(m.slug, 'Ada')
    const handle = await scan(t, m.owner, card)
    const award = await m.owner.post('/api/staff/earn', { handle, amountMinor: 500 }, { 'idempotency-key': idemKey() })
    const undo = await m.owner.post(
      '/api/staff/undo',
      { handle, entryId: award.body.entry.id },
      { 'idempotency-key': idemKey() },
    )
    expect(undo.status).toBe(201)
    const [reversal] = (await client.get(`/api/me/cards/${card.id}/history`)).body.entries
    expect(reversal).toMatchObject({
      reason: 'Undo: Purchase of 5.00 EUR',
      reasonCode: 'undo',
      reasonParams: {
        of: { code: 'purchase', params: { amount: 500, currency: 'EUR' }, text: 'Purchase of 5.00 EUR' },
      },
    })
    const csv = (await m.owner.get('/api/merchant/exports/ledger.csv?from=2026-03-10&to=2026-03-10&lang=hu'))
      .body as string
    expect(csvReasons(csv.replace(/[\u00a0\u202f]/g, ' '))[1]).toBe('Visszavonva: Vásárlás: 5,00 EUR')
  })
})

describe("each member's language", () => {
  it('writes pushes to a Hungarian member in Hungarian, and falls back to the default the merchant wrote', async () => {
    const m = await merchantWithOwner(t)
    const hu = await join(m.slug, 'Ádám', 'hu')
    const en = await join(m.slug, 'Ada', 'en')
    await addDevice(hu.client)
    await addDevice(en.client)
    expect((await hu.client.get('/api/me')).body.locale).toBe('hu')

    // Our own texts (the welcome the merchant never changed, the earned push) come in the member's language.
    await runWelcome(t.deps)
    expect((await payloads('welcome', hu.card.id))[0]!.title).toBe(`Üdvözli a(z) Shop ${/\d+/.exec(m.slug)![0]}`)
    await earn(t, m.owner, hu.card, 2500)
    expect((await payloads('earned', hu.card.id))[0]!.body).toBe('25 pontot kapott. Egyenleg: 25.')

    // An offer with a Hungarian version: the Hungarian member reads it, the English one the default.
    const offer = await m.owner.post('/api/merchant/push/offers', {
      title: 'Two for one',
      body: 'Bring a friend, {name}',
      translations: { hu: { title: 'Kettőt egy áráért', body: 'Hozza el egy barátját, {name}' } },
    })
    expect(offer.status).toBe(201)
    expect(offer.body.translations).toEqual({
      hu: { title: 'Kettőt egy áráért', body: 'Hozza el egy barátját, {name}' },
    })
    await sendDueOffers(t.deps)
    expect(await payloads('offer', hu.card.id)).toMatchObject([
      { title: 'Kettőt egy áráért', body: 'Hozza el egy barátját, Ádám' },
    ])
    expect(await payloads('offer', en.card.id)).toMatchObject([{ title: 'Two for one', body: 'Bring a friend, Ada' }])

    // None written in Hungarian: the default language's text (a cap of two a day lets it through).
    const settings = (await m.owner.get('/api/merchant/push/settings')).body
    expect((await m.owner.req('PUT', '/api/merchant/push/settings', { ...settings, dailyCap: 2 })).status).toBe(200)
    expect(
      (await m.owner.post('/api/merchant/push/offers', { title: 'Soup day', body: 'Free soup today' })).status,
    ).toBe(201)
    await sendDueOffers(t.deps)
    expect((await payloads('offer', hu.card.id))[1]).toMatchObject({ title: 'Soup day', body: 'Free soup today' })
  })

  it("uses a merchant's automation text in the member's language when written, else the merchant's default", async () => {
    const m = await merchantWithOwner(t)
    const settings = (await m.owner.get('/api/merchant/push/settings')).body
    expect(settings.defaultLocale).toBe('en')
    settings.automations.welcome = {
      ...settings.automations.welcome,
      title: 'Hello from us',
      body: 'Your card is ready',
    }
    const put = await m.owner.req('PUT', '/api/merchant/push/settings', settings)
    expect(put.status).toBe(200)
    const hu = await join(m.slug, 'Ádám', 'hu')
    await addDevice(hu.client)
    await runWelcome(t.deps)
    expect(await payloads('welcome', hu.card.id)).toMatchObject([
      { title: 'Hello from us', body: 'Your card is ready' },
    ])

    settings.automations.welcome.translations = { hu: { title: 'Üdv nálunk', body: 'Kész a kártyája' } }
    expect((await m.owner.req('PUT', '/api/merchant/push/settings', settings)).status).toBe(200)
    const hu2 = await join(m.slug, 'Éva', 'hu')
    await addDevice(hu2.client)
    await runWelcome(t.deps)
    expect(await payloads('welcome', hu2.card.id)).toMatchObject([{ title: 'Üdv nálunk', body: 'Kész a kártyája' }])
  })

  it("titles the birthday coupon in the member's language, else in the merchant's default", async () => {
    const m = await merchantWithOwner(t)
    const settings = (await m.owner.get('/api/merchant/push/settings')).body
    settings.defaultLocale = 'pl'
    settings.automations.birthday = { ...settings.automations.birthday, enabled: true, withCoupon: true }
    expect((await m.owner.req('PUT', '/api/merchant/push/settings', settings)).status).toBe(200)
    const born = async (name: string, locale?: string) => {
      const client = t.client()
      const res = await client.post('/api/join', {
        slug: m.slug,
        name,
        locale,
        birthday: '1990-03-10',
        marketingConsent: true,
      })
      expect(res.status).toBe(201)
      await addDevice(client)
      return { client, cardId: res.body.card.id as string }
    }
    const hu = await born('Ádám', 'hu')
    const zh = await born('小美', 'zh-Hant')
    // A member from before languages were stored: the merchant's default language.
    const none = await born('Ola')
    await writeTx(t.db, (tx) => tx.updateTable('customers').set({ locale: null }).where('name', '=', 'Ola').execute())
    expect(await runBirthdays(t.deps, { coupons: couponIssuer })).toEqual({ queued: 3 })
    const coupon = async (cardId: string) =>
      (await all(t.db, 'select title, description from coupons where card_id = ?', cardId))[0]
    expect(await coupon(hu.cardId)).toEqual({
      title: 'Boldog születésnapot! Egy kis ajándék tőlünk',
      description: 'Mutassa meg fizetéskor, amikor legközelebb nálunk jár.',
    })
    expect(await coupon(zh.cardId)).toMatchObject({ title: '生日快樂！送你一份小禮物' })
    expect(await coupon(none.cardId)).toMatchObject({ title: 'Wszystkiego najlepszego! Mamy dla Ciebie prezent' })
    // The member reads it as issued on their coupons screen.
    const perks = await hu.client.get(`/api/me/cards/${hu.cardId}/perks`)
    expect(JSON.stringify(perks.body)).toContain('Boldog születésnapot! Egy kis ajándék tőlünk')
  })

  it('refuses a translation in the default language, and a language we do not speak, changing nothing', async () => {
    const m = await merchantWithOwner(t)
    const bad = await m.owner.post('/api/merchant/push/offers', {
      title: 'Two for one',
      body: 'Bring a friend',
      translations: { en: { title: 'Again', body: 'Again' } },
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: 'translations.en' }] })
    expect((await m.owner.get('/api/merchant/push/offers')).body.offers).toEqual([])
    const { client } = await join(m.slug, 'Ada', 'pl')
    expect((await client.req('PUT', '/api/me/locale', { locale: 'de' })).status).toBe(400)
    expect((await client.get('/api/me')).body.locale).toBe('pl')
  })

  it("mails the sign-in link in the member's language, which Settings changes", async () => {
    const m = await merchantWithOwner(t)
    const { client } = await join(m.slug, 'Ana', 'ro', 'ana@example.test')
    // Asked from an English screen: the member's own language wins.
    expect((await t.client().post('/api/auth/email-link', { email: 'ana@example.test', locale: 'en' })).status).toBe(
      202,
    )
    const ro = await mailbox.waitFor(1)
    expect(ro.subject).toBe('Linkul tău de conectare la Loyalty Wallet')
    expect(ro.text).toContain('Deschide acest link')
    expect(linkIn(ro).token).toBeTruthy()

    expect((await client.req('PUT', '/api/me/locale', { locale: 'zh-Hant' })).body.locale).toBe('zh-Hant')
    await t.client().post('/api/auth/email-link', { email: 'ana@example.test', locale: 'en' })
    const zh = await mailbox.waitFor(2)
    expect(zh.subject).toBe('Loyalty Wallet 登入連結')
    expect(zh.html).toContain('lang="zh-Hant"')

    // Someone with no language of their own gets the asking screen's.
    await join(m.slug, 'Bob', undefined, 'bob@example.test')
    await t.client().post('/api/auth/email-link', { email: 'bob@example.test', locale: 'pl' })
    expect((await mailbox.waitFor(3)).subject).toBe('Twój link do logowania w Loyalty Wallet')
  })
})
