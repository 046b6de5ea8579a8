import type { Insertable } from 'kysely'
import type { Tx } from '../connection.js'
import type { CampaignMemberTable, CampaignTable, StaffAlertTable } from '../schema.js'

/* Campaign holdouts, staff alerts and opening hours, and the paged reads behind the CSV exports. */

/* ---- campaigns ---- */

export const campaignBySource = (db: Tx, merchantId: string, kind: 'offer' | 'automation', source: string) =>
  db
    .selectFrom('campaigns')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', kind)
    .where('source', '=', source)
    .executeTakeFirst()

export const campaignById = (db: Tx, merchantId: string, id: string) =>
  db.selectFrom('campaigns').selectAll().where('merchant_id', '=', merchantId).where('id', '=', id).executeTakeFirst()

export const campaignsOfMerchant = (db: Tx, merchantId: string) =>
  db.selectFrom('campaigns').selectAll().where('merchant_id', '=', merchantId).orderBy('created_at', 'desc').execute()

export const insertCampaign = (db: Tx, row: Insertable<CampaignTable>) =>
  db.insertInto('campaigns').values(row).execute()

export const setCampaignHoldout = (db: Tx, id: string, holdoutPct: number, now: string) =>
  db.updateTable('campaigns').set({ holdout_pct: holdoutPct, updated_at: now }).where('id', '=', id).execute()

/** The first assignment stands: a member keeps their group for the life of the campaign. */
export const assignMember = (db: Tx, row: Insertable<CampaignMemberTable>) =>
  db
    .insertInto('campaign_members')
    .values(row)
    .onConflict((oc) => oc.columns(['campaign_id', 'card_id']).doNothing())
    .execute()

export const memberGroup = (db: Tx, campaignId: string, cardId: string) =>
  db
    .selectFrom('campaign_members')
    .select(['grp', 'assigned_at'])
    .where('campaign_id', '=', campaignId)
    .where('card_id', '=', cardId)
    .executeTakeFirst()

export const campaignMembers = (db: Tx, campaignId: string) =>
  db
    .selectFrom('campaign_members')
    .select(['card_id', 'grp', 'assigned_at', 'window_end'])
    .where('campaign_id', '=', campaignId)
    .execute()

/** Purchases (earn entries with an amount, not reversed) of each member inside their window. */
export const campaignPurchases = (db: Tx, campaignId: string) =>
  db
    .selectFrom('campaign_members as m')
    .innerJoin('ledger_entries as e', 'e.card_id', 'm.card_id')
    .select(['m.card_id', 'e.created_at', 'e.amount_minor'])
    .where('m.campaign_id', '=', campaignId)
    .where('e.kind', '=', 'earn')
    .where('e.amount_minor', 'is not', null)
    .whereRef('e.created_at', '>=', 'm.assigned_at')
    .whereRef('e.created_at', '<', 'm.window_end')
    .where((eb) =>
      eb.not(
        eb.exists(eb.selectFrom('ledger_entries as r').select('r.id').whereRef('r.reverses_entry_id', '=', 'e.id')),
      ),
    )
    .execute()

/** Coupon redemptions of each member inside their window. */
export const campaignRedemptions = (db: Tx, campaignId: string) =>
  db
    .selectFrom('campaign_members as m')
    .innerJoin('coupons as c', 'c.card_id', 'm.card_id')
    .innerJoin('coupon_redemptions as r', 'r.coupon_id', 'c.id')
    .select(['m.card_id'])
    .where('m.campaign_id', '=', campaignId)
    .whereRef('r.created_at', '>=', 'm.assigned_at')
    .whereRef('r.created_at', '<', 'm.window_end')
    .execute()

/* ---- opening hours ---- */

export const openingHoursOf = (db: Tx, merchantId: string) =>
  db
    .selectFrom('merchant_opening_hours')
    .select(['hours', 'updated_at'])
    .where('merchant_id', '=', merchantId)
    .executeTakeFirst()

export async function saveOpeningHours(db: Tx, merchantId: string, hours: string | null, now: string): Promise<void> {
  if (hours === null) await db.deleteFrom('merchant_opening_hours').where('merchant_id', '=', merchantId).execute()
  else
    await db
      .insertInto('merchant_opening_hours')
      .values({ merchant_id: merchantId, hours, updated_at: now })
      .onConflict((oc) => oc.column('merchant_id').doUpdateSet({ hours, updated_at: now }))
      .execute()
}

/* ---- staff alerts ---- */

export const merchantsWithTimezone = (db: Tx) => db.selectFrom('merchants').select(['id', 'timezone']).execute()

export const scannedUntil = async (db: Tx, merchantId: string) =>
  (await db.selectFrom('alert_scans').select('scanned_until').where('merchant_id', '=', merchantId).executeTakeFirst())
    ?.scanned_until ?? null

export const setScannedUntil = (db: Tx, merchantId: string, until: string) =>
  db
    .insertInto('alert_scans')
    .values({ merchant_id: merchantId, scanned_until: until })
    .onConflict((oc) => oc.column('merchant_id').doUpdateSet({ scanned_until: until }))
    .execute()

/** Awards by staff (earn entries, and positive adjustments) in [from, until). */
export const staffAwards = (db: Tx, merchantId: string, from: string, until: string) =>
  db
    .selectFrom('ledger_entries')
    .select(['id', 'card_id', 'staff_id', 'created_at', 'location_id'])
    .where('merchant_id', '=', merchantId)
    .where('created_at', '>=', from)
    .where('created_at', '<', until)
    .where('staff_id', 'is not', null)
    .where((eb) => eb.or([eb('kind', '=', 'earn'), eb.and([eb('kind', '=', 'adjust'), eb('points', '>', 0)])]))
    .orderBy('created_at')
    .execute()

/** Awards per staff member and UTC hour ('YYYY-MM-DDTHH') in [from, until). */
export const staffHourlyCounts = (db: Tx, merchantId: string, from: string, until: string) =>
  db
    .selectFrom('ledger_entries')
    .select((eb) => [
      'staff_id',
      eb.fn<string>('substr', ['created_at', eb.val(1), eb.val(13)]).as('hour'),
      eb.fn.countAll<number>().as('n'),
    ])
    .where('merchant_id', '=', merchantId)
    .where('created_at', '>=', from)
    .where('created_at', '<', until)
    .where('staff_id', 'is not', null)
    .where((eb) => eb.or([eb('kind', '=', 'earn'), eb.and([eb('kind', '=', 'adjust'), eb('points', '>', 0)])]))
    .groupBy(['staff_id', 'hour'])
    .execute()

export const alertByKey = (db: Tx, merchantId: string, key: string) =>
  db
    .selectFrom('staff_alerts')
    .select(['id', 'count'])
    .where('merchant_id', '=', merchantId)
    .where('alert_key', '=', key)
    .executeTakeFirst()

export const insertAlert = (db: Tx, row: Insertable<StaffAlertTable>) =>
  db.insertInto('staff_alerts').values(row).execute()

/** A window seen again with more entries: the counts grow, the state (acknowledged, dismissed) stays. */
export const growAlert = (
  db: Tx,
  id: string,
  set: { window_start: string; window_end: string; count: number; entry_ids: string; updated_at: string },
) => db.updateTable('staff_alerts').set(set).where('id', '=', id).execute()

export const alertsOfMerchant = (db: Tx, merchantId: string, limit: number, locationId: string | null = null) =>
  db
    .selectFrom('staff_alerts as a')
    .leftJoin('staff as s', 's.id', 'a.staff_id')
    .leftJoin('cards as c', 'c.id', 'a.card_id')
    .leftJoin('staff as r', 'r.id', 'a.resolved_by')
    .leftJoin('locations as l', 'l.id', 'a.location_id')
    .select([
      'a.id',
      'a.rule',
      'a.staff_id',
      's.name as staff_name',
      'a.card_id',
      'c.card_number',
      'a.window_start',
      'a.window_end',
      'a.count',
      'a.threshold',
      'a.entry_ids',
      'a.state',
      'a.created_at',
      'a.resolved_at',
      'r.name as resolved_by_name',
      'a.location_id',
      'l.name as location_name',
    ])
    .where('a.merchant_id', '=', merchantId)
    .$if(locationId !== null, (q) => q.where('a.location_id', '=', locationId!))
    .orderBy('a.window_start', 'desc')
    .limit(limit)
    .execute()

export const resolveAlert = (
  db: Tx,
  merchantId: string,
  id: string,
  state: 'acknowledged' | 'dismissed',
  staffId: string,
  now: string,
) =>
  db
    .updateTable('staff_alerts')
    .set({ state, resolved_at: now, resolved_by: staffId, updated_at: now })
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .executeTakeFirst()

export const entriesByIds = (db: Tx, merchantId: string, ids: string[]) =>
  ids.length
    ? db
        .selectFrom('ledger_entries as e')
        .innerJoin('cards as c', 'c.id', 'e.card_id')
        .select([
          'e.id',
          'e.kind',
          'e.points',
          'e.amount_minor',
          'e.currency',
          'e.created_at',
          'c.card_number',
          'e.reason',
        ])
        .where('e.merchant_id', '=', merchantId)
        .where('e.id', 'in', ids)
        .orderBy('e.created_at')
        .execute()
    : Promise.resolve([])

export const staffPushSubscriptionsOf = (db: Tx, merchantId: string) =>
  db
    .selectFrom('staff_push_subscriptions as p')
    .innerJoin('staff as s', 's.id', 'p.staff_id')
    .select(['p.id', 'p.endpoint', 'p.p256dh', 'p.auth'])
    .where('p.merchant_id', '=', merchantId)
    .where('s.active', '=', 1)
    .where('s.role', '=', 'owner')
    .execute()

export const upsertStaffPushSubscription = (
  db: Tx,
  row: {
    id: string
    staff_id: string
    merchant_id: string
    endpoint: string
    p256dh: string
    auth: string
    created_at: string
  },
) =>
  db
    .insertInto('staff_push_subscriptions')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('endpoint')
        .doUpdateSet({ staff_id: row.staff_id, merchant_id: row.merchant_id, p256dh: row.p256dh, auth: row.auth }),
    )
    .execute()

export const deleteStaffPushSubscription = (db: Tx, where: { endpoint: string; staffId?: string } | { id: string }) =>
  'id' in where
    ? db.deleteFrom('staff_push_subscriptions').where('id', '=', where.id).execute()
    : db
        .deleteFrom('staff_push_subscriptions')
        .where('endpoint', '=', where.endpoint)
        .$if(where.staffId !== undefined, (q) => q.where('staff_id', '=', where.staffId!))
        .execute()

export const staffPushDevices = (db: Tx, staffId: string) =>
  db.selectFrom('staff_push_subscriptions').select(['endpoint']).where('staff_id', '=', staffId).execute()

/* ---- exports (keyset pages, so a large export never holds the connection or builds the file in memory) ---- */

export const ledgerPage = (
  db: Tx,
  merchantId: string,
  from: string,
  until: string,
  after: { at: string; id: string } | null,
  limit: number,
  locationId: string | null = null,
) =>
  db
    .selectFrom('ledger_entries as e')
    .innerJoin('cards as c', 'c.id', 'e.card_id')
    .innerJoin('customers as u', 'u.id', 'c.customer_id')
    .leftJoin('staff as s', 's.id', 'e.staff_id')
    .leftJoin('api_keys as k', 'k.id', 'e.api_key_id')
    .leftJoin('locations as l', 'l.id', 'e.location_id')
    .select([
      'e.id',
      'e.created_at',
      'c.card_number',
      'u.name as member',
      'e.kind',
      'e.points',
      'e.balance_after',
      'e.reason',
      'e.reason_code',
      'e.reason_params',
      'e.amount_minor',
      'e.currency',
      's.name as staff_name',
      'k.name as api_key_name',
      'l.name as location_name',
    ])
    .where('e.merchant_id', '=', merchantId)
    .where('e.created_at', '>=', from)
    .where('e.created_at', '<', until)
    .$if(locationId !== null, (q) => q.where('e.location_id', '=', locationId!))
    // The plain lower bound lets the (merchant_id, created_at) index start at the page; the OR breaks ties.
    .$if(after !== null, (q) =>
      q
        .where('e.created_at', '>=', after!.at)
        .where((eb) =>
          eb.or([
            eb('e.created_at', '>', after!.at),
            eb.and([eb('e.created_at', '=', after!.at), eb('e.id', '>', after!.id)]),
          ]),
        ),
    )
    .orderBy('e.created_at')
    .orderBy('e.id')
    .limit(limit)
    .execute()

export const membersPage = (
  db: Tx,
  merchantId: string,
  afterNumber: string | null,
  limit: number,
  joined: { start: string; end: string } | null = null,
  locationId: string | null = null,
) =>
  db
    .selectFrom('cards as c')
    .innerJoin('customers as u', 'u.id', 'c.customer_id')
    .leftJoin('card_tiers as t', 't.card_id', 'c.id')
    .leftJoin('locations as l', 'l.id', 'c.joined_location_id')
    .select([
      'c.id',
      'c.card_number',
      'u.name',
      'u.email',
      'c.created_at',
      't.tier',
      'c.balance',
      'c.marketing_consent',
      'l.name as joined_location',
    ])
    .where('c.merchant_id', '=', merchantId)
    .where('c.closed_at', 'is', null)
    .$if(locationId !== null, (q) => q.where('c.joined_location_id', '=', locationId!))
    .$if(afterNumber !== null, (q) => q.where('c.card_number', '>', afterNumber!))
    .$if(joined !== null, (q) => q.where('c.created_at', '>=', joined!.start).where('c.created_at', '<', joined!.end))
    .orderBy('c.card_number')
    .limit(limit)
    .execute()

/** Purchases (earn with an amount, not reversed) of the given cards. */
export const purchasesOfCards = (db: Tx, cardIds: string[]) =>
  cardIds.length
    ? db
        .selectFrom('ledger_entries as e')
        .select(['e.card_id', 'e.created_at', 'e.amount_minor'])
        .where('e.card_id', 'in', cardIds)
        .where('e.kind', '=', 'earn')
        .where('e.amount_minor', 'is not', null)
        .where((eb) =>
          eb.not(
            eb.exists(eb.selectFrom('ledger_entries as r').select('r.id').whereRef('r.reverses_entry_id', '=', 'e.id')),
          ),
        )
        .execute()
    : Promise.resolve([])
