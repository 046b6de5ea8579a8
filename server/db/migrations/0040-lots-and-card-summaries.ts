import { sql, type Kysely } from 'kysely'

/*
 * Work that follows what is due, and a card read without the ledger (issue 18):
 * - point_lots: what is left of every lot (a positive ledger entry) that still holds points, in the
 *   card's posting order, with its expiry. postEntry keeps it in the posting's transaction (a credit
 *   adds a lot, a debit takes from the oldest, an expiry from the lot it names first), so the expiry
 *   job reads the lots due by an index on their date instead of replaying every card's ledger. A lot
 *   spent to nothing is deleted: the ledger stays the record, this is its running remainder.
 * - card_summaries: what the card screen shows (tier, progress, what keeps the tier, next expiry),
 *   computed in the write transaction that changed it, with the moment it goes stale by time alone
 *   (a point leaving the tier window, a lot's date, the end of a grace period); the tier job visits
 *   the summaries gone stale by an index on that moment. When the card's points expire for
 *   inactivity is kept here too, indexed, for the expiry job.
 * - An index on the month and day of members' birthdays: the birthday job reads today's window only.
 *
 * Existing lots are replayed from each ledger in posting order (the same FIFO as domain/expiry.ts);
 * existing cards get a summary that is stale at once (version 0), which the first run of the tier
 * job computes (the read path computes it from the ledger until then).
 */
const PAGE = 20_000
const ROWS_PER_INSERT = 200

interface Entry {
  card_id: string
  merchant_id: string
  id: string
  seq: number
  points: number
  lot_expires_at: string | null
  expires_entry_id: string | null
}
interface Lot {
  entry_id: string
  card_id: string
  merchant_id: string
  seq: number
  remaining: number
  expires_at: string | null
}

/** What is left of each lot of one card after its ledger, in posting order (domain/expiry.ts's FIFO). */
function replay(entries: Entry[]): Lot[] {
  const lots: Lot[] = []
  const byId = new Map<string, Lot>()
  for (const e of entries) {
    if (e.points > 0) {
      const lot = {
        entry_id: e.id,
        card_id: e.card_id,
        merchant_id: e.merchant_id,
        seq: e.seq,
        remaining: e.points,
        expires_at: e.lot_expires_at,
      }
      lots.push(lot)
      byId.set(e.id, lot)
      continue
    }
    let debit = -e.points
    const named = e.expires_entry_id ? byId.get(e.expires_entry_id) : undefined
    if (named) {
      const take = Math.min(named.remaining, debit)
      named.remaining -= take
      debit -= take
    }
    for (const lot of lots) {
      if (debit === 0) break
      const take = Math.min(lot.remaining, debit)
      lot.remaining -= take
      debit -= take
    }
  }
  return lots.filter((l) => l.remaining > 0)
}

async function insertLots(db: Kysely<any>, lots: Lot[]): Promise<void> {
  for (let i = 0; i < lots.length; i += ROWS_PER_INSERT) {
    await db
      .insertInto('point_lots')
      .values(lots.slice(i, i + ROWS_PER_INSERT))
      .execute()
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('point_lots')
    .addColumn('entry_id', 'text', (c) => c.primaryKey().references('ledger_entries.id'))
    .addColumn('card_id', 'text', (c) => c.notNull().references('cards.id'))
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('remaining', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .execute()
  await db.schema.createIndex('point_lots_card').on('point_lots').columns(['card_id', 'seq']).execute()
  await db.schema.createIndex('point_lots_expiry').on('point_lots').column('expires_at').execute()

  await db.schema
    .createTable('card_summaries')
    .addColumn('card_id', 'text', (c) => c.primaryKey().references('cards.id'))
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    /** The program version the status was computed under; 0: not computed yet. */
    .addColumn('program_version', 'integer', (c) => c.notNull())
    /** CardStatus as JSON, without the referral code (the card row has it). */
    .addColumn('status', 'text', (c) => c.notNull())
    /** From when the status may differ by time alone; null: never. */
    .addColumn('stale_at', 'text')
    /** The latest posting that was not an expiry: inactivity expiry counts from it. */
    .addColumn('last_activity_at', 'text')
    /** When the card's points expire for inactivity (the program says so and it holds some); else null. */
    .addColumn('idle_expiry_at', 'text')
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('card_summaries_stale')
    .on('card_summaries')
    .columns(['merchant_id', 'stale_at'])
    .execute()
  await db.schema.createIndex('card_summaries_idle').on('card_summaries').column('idle_expiry_at').execute()
  await db.schema
    .createIndex('card_summaries_version')
    .on('card_summaries')
    .columns(['merchant_id', 'program_version'])
    .execute()

  await db.schema
    .createIndex('customers_birthday_day')
    .on('customers')
    .expression(sql`substr(birthday, 6, 5)`)
    .execute()

  // Lots: each card's ledger in posting order, a page of entries at a time (a card never split).
  const entries = () =>
    db
      .selectFrom('ledger_entries')
      .select(['card_id', 'merchant_id', 'id', 'seq', 'points', 'lot_expires_at', 'expires_entry_id'])
  let after = ''
  for (;;) {
    let page = (await entries()
      .where('card_id', '>', after)
      .orderBy('card_id')
      .orderBy('seq')
      .limit(PAGE)
      .execute()) as Entry[]
    if (page.length === 0) break
    if (page.length === PAGE) {
      // The page's last card may go on past it: leave it to the next page (or, alone, read it whole).
      const last = page[page.length - 1]!.card_id
      page =
        page[0]!.card_id === last
          ? ((await entries().where('card_id', '=', last).orderBy('seq').execute()) as Entry[])
          : page.filter((e) => e.card_id !== last)
    }
    const lots: Lot[] = []
    for (let i = 0; i < page.length; ) {
      let j = i
      while (j < page.length && page[j]!.card_id === page[i]!.card_id) j++
      lots.push(...replay(page.slice(i, j)))
      i = j
    }
    await insertLots(db, lots)
    after = page[page.length - 1]!.card_id
  }

  // Summaries: stale at once, so the first tier job run computes each (the read computes until then).
  await sql`insert into card_summaries (card_id, merchant_id, program_version, status, stale_at, last_activity_at, computed_at)
    select c.id, c.merchant_id, 0, 'null', '1970-01-01T00:00:00.000Z',
      (select e.created_at from ledger_entries e where e.card_id = c.id and e.kind <> 'expire' order by e.seq desc limit 1),
      '1970-01-01T00:00:00.000Z'
    from cards c`.execute(db)
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore from a backup instead')
}
