import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeTx } from '../../server/db/connection.js'
import { issueCoupon } from '../../server/services/perks/coupons.js'
import { addPasskey, earn, linkIn, passkeySignIn, startMailbox, unbalancedCards } from '../helpers/account.js'
import { addStaff, currentCode, joinedCustomer, merchantWithOwner } from '../helpers/factories.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'
import { all, get } from '../helpers/db.js'

let t: TestApp
beforeEach(async () => {
  t = await makeTestApp()
})
afterEach(() => t.close())

const merchantTotal = async (merchantId: string) =>
  (
    (await get(t.db, 'select coalesce(sum(points), 0) n from ledger_entries where merchant_id = ?', merchantId)) as {
      n: number
    }
  ).n

describe('two wallets meeting', () => {
  it('keeps the expiry date of every merged lot and moves coupons still to use to the surviving card', async () => {
    const cafe = await merchantWithOwner(t)
    const rules = { pointsPerUnit: 1, unitMinor: 100, expiry: { mode: 'afterEarn', months: 1, roundTo: 'month' } }
    expect((await cafe.owner.req('PUT', '/api/merchant/program', { rules })).status).toBe(200)
    const phone1 = await joinedCustomer(t, cafe.slug, 'Ada')
    const { authenticator } = await addPasskey(phone1.client)
    const phone2 = await joinedCustomer(t, cafe.slug, 'Ada on phone 2')
    await earn(t, cafe.owner, phone2.card, 700) // lot 1: expires at the end of next month
    t.clock.advance(40 * 86_400_000)
    const cashier = await addStaff(t, cafe.merchantId, 'cashier') // the owner's till session has ended by now
    await earn(t, cashier, phone2.card, 300) // lot 2: a month later
    const coupon = await writeTx(t.db, (tx) =>
      issueCoupon(tx, {
        cardId: phone2.card.id,
        merchantId: cafe.merchantId,
        source: 'campaign',
        title: 'Free cookie',
        now: t.clock.now(),
      }),
    )
    const lotsBefore = (await all(
      t.db,
      "select points, lot_expires_at from ledger_entries where card_id = ? and kind = 'earn' order by created_at",
      phone2.card.id,
    )) as { points: number; lot_expires_at: string }[]
    expect(lotsBefore.map((l) => l.points)).toEqual([7, 3])

    expect((await passkeySignIn(phone2.client, authenticator)).status).toBe(200)

    const moved = await all(
      t.db,
      "select points, lot_expires_at from ledger_entries where card_id = ? and kind = 'transfer' order by lot_expires_at",
      phone1.card.id,
    )
    expect(moved).toEqual(lotsBefore)
    const couponNow = await get(t.db, 'select card_id, state from coupons where id = ?', coupon.id)
    expect(couponNow).toEqual({ card_id: phone1.card.id, state: 'active' })
    expect(await unbalancedCards(t)).toEqual([])
  })

  it('combines cards of different merchants and merges two cards of one merchant with transfer entries', async () => {
    const cafe = await merchantWithOwner(t)
    const bakery = await merchantWithOwner(t)
    const salon = await merchantWithOwner(t)
    // Phone 1: the account with a passkey, cards at the café and the bakery.
    const phone1 = await joinedCustomer(t, cafe.slug, 'Ada')
    const bakery1 = (await phone1.client.post('/api/join', { slug: bakery.slug, name: 'Ada' })).body.card
    await earn(t, cafe.owner, phone1.card, 1200)
    await earn(t, bakery.owner, bakery1, 300)
    const { authenticator } = await addPasskey(phone1.client)
    // Phone 2: joined separately, cards at the café and the salon.
    const phone2 = await joinedCustomer(t, cafe.slug, 'Ada on phone 2')
    const salon2 = (await phone2.client.post('/api/join', { slug: salon.slug, name: 'Ada' })).body.card
    await earn(t, cafe.owner, phone2.card, 500)
    await earn(t, salon.owner, salon2, 900)
    const totals = await Promise.all([cafe, bakery, salon].map((m) => merchantTotal(m.merchantId)))

    const res = await passkeySignIn(phone2.client, authenticator)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ signedIn: true, movedCards: 1, mergedCards: 1 })

    const wallet = (await phone2.client.get('/api/me/cards')).body.cards as {
      id: string
      balance: number
      merchant: { slug: string }
    }[]
    const bySlug = Object.fromEntries(wallet.map((c) => [c.merchant.slug, c]))
    expect(Object.keys(bySlug).sort()).toEqual([cafe.slug, bakery.slug, salon.slug].sort())
    expect(bySlug[cafe.slug]).toMatchObject({ id: phone1.card.id, balance: 17 })
    expect(bySlug[bakery.slug]).toMatchObject({ id: bakery1.id, balance: 3 })
    expect(bySlug[salon.slug]).toMatchObject({ id: salon2.id, balance: 9 })
    // Phone 1 sees the same wallet.
    expect((await phone1.client.get('/api/me/cards')).body.cards).toHaveLength(3)

    // Both ledgers tell the story; the old card is closed at 0, not deleted.
    const into = (await phone2.client.get(`/api/me/cards/${phone1.card.id}`)).body.history[0]
    expect(into).toMatchObject({
      kind: 'transfer',
      points: 5,
      balanceAfter: 17,
      reason: `Moved from card ${phone2.card.cardNumber}`,
    })
    const old = await get(
      t.db,
      'select balance, closed_at, closed_into_card_id from cards where id = ?',
      phone2.card.id,
    )
    expect(old).toEqual({ balance: 0, closed_at: t.clock.now().toISOString(), closed_into_card_id: phone1.card.id })
    const out = await get(
      t.db,
      "select points, balance_after, reason from ledger_entries where card_id = ? and kind = 'transfer'",
      phone2.card.id,
    )
    expect(out).toEqual({ points: -5, balance_after: 0, reason: `Moved to card ${phone1.card.cardNumber}` })
    expect(await get(t.db, 'select count(*) n from ledger_entries where card_id = ?', phone2.card.id)).toEqual({
      n: 2,
    })

    // Every ledger still sums to its balance and each merchant's books are unchanged.
    expect(await unbalancedCards(t)).toEqual([])
    expect(await Promise.all([cafe, bakery, salon].map((m) => merchantTotal(m.merchantId)))).toEqual(totals)

    // The merged-away wallet keeps no personal data; the closed card takes no more points.
    expect(
      await all(t.db, 'select name, email, merged_into_id from customers where merged_into_id is not null'),
    ).toHaveLength(1)
    const scan = await cafe.owner.post('/api/staff/scan', { code: currentCode(t, phone2.card) })
    expect(scan.status).toBe(410)
    expect(scan.body.error.code).toBe('card_closed')
  })

  it('does nothing to the wallet when the device is already signed in to that account', async () => {
    const cafe = await merchantWithOwner(t)
    const phone = await joinedCustomer(t, cafe.slug)
    const { authenticator } = await addPasskey(phone.client)
    const res = await passkeySignIn(phone.client, authenticator)
    expect(res.body).toEqual({ signedIn: true, movedCards: 0, mergedCards: 0 })
    expect((await phone.client.get('/api/me/cards')).body.cards).toHaveLength(1)
    expect(await get(t.db, 'select count(*) n from customers')).toEqual({ n: 1 })
  })

  it('merges the same way when the sign-in is by email link, and passkeys and consents follow the member', async () => {
    const mailbox = await startMailbox()
    const local = await makeTestApp({ SMTP_URL: mailbox.url })
    try {
      const cafe = await merchantWithOwner(local)
      const bakery = await merchantWithOwner(local)
      const home = local.client()
      const homeCard = (await home.post('/api/join', { slug: cafe.slug, name: 'Ada', email: 'ada@example.test' })).body
        .card
      await earn(local, cafe.owner, homeCard, 800)
      const phone = local.client()
      const phoneCard = (await phone.post('/api/join', { slug: bakery.slug, name: 'Ada', marketingConsent: true })).body
        .card
      await addPasskey(phone)

      await phone.post('/api/auth/email-link', { email: 'ada@example.test' })
      const { token } = linkIn(await mailbox.waitFor(1))
      const res = await phone.post('/api/auth/email-link/confirm', { token })
      expect(res.body).toEqual({ signedIn: true, movedCards: 1, mergedCards: 0 })

      const ids = (await phone.get('/api/me/cards')).body.cards.map((c: { id: string }) => c.id).sort()
      expect(ids).toEqual([homeCard.id, phoneCard.id].sort())
      expect((await phone.get('/api/me/passkeys')).body.passkeys).toHaveLength(1)
      expect(
        (await phone.get('/api/me/consents')).body.consents.find((c: { cardId: string }) => c.cardId === phoneCard.id),
      ).toMatchObject({ granted: true })
      // The address had never been proven: the device that typed it at join is signed out (it may not be its owner's).
      expect((await home.get('/api/me/cards')).status).toBe(401)
      expect(await unbalancedCards(local)).toEqual([])
    } finally {
      await local.close()
      await mailbox.close()
    }
  })
})
