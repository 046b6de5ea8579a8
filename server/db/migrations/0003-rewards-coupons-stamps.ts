import type { Kysely } from 'kysely'

/* Rewards catalog, coupons with their redemptions, and stamp cards. Append-only: never edit once shipped. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rewards')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('terms', 'text', (c) => c.notNull())
    .addColumn('image', 'text')
    .addColumn('points_cost', 'integer', (c) => c.notNull())
    .addColumn('stock', 'integer')
    .addColumn('per_member_limit', 'integer')
    .addColumn('valid_days', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('rewards_merchant').on('rewards').columns(['merchant_id', 'points_cost']).execute()

  await db.schema
    .createTable('coupons')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('card_id', 'text', (c) => c.notNull().references('cards.id'))
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('reward_id', 'text', (c) => c.references('rewards.id'))
    .addColumn('ledger_entry_id', 'text', (c) => c.references('ledger_entries.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('image', 'text')
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_until', 'text')
    .addColumn('weekdays', 'integer')
    .addColumn('minute_from', 'integer')
    .addColumn('minute_until', 'integer')
    .addColumn('max_uses', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('last_redeemed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('coupons_card').on('coupons').columns(['card_id', 'state']).execute()
  await db.schema.createIndex('coupons_card_reward').on('coupons').columns(['card_id', 'reward_id']).execute()

  await db.schema
    .createTable('coupon_redemptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('coupon_id', 'text', (c) => c.notNull().references('coupons.id'))
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
    .addColumn('api_key_id', 'text', (c) => c.references('api_keys.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('coupon_redemptions_coupon').on('coupon_redemptions').columns(['coupon_id']).execute()

  await db.schema
    .createTable('stamp_cards')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().unique().references('merchants.id'))
    .addColumn('stamps_required', 'integer', (c) => c.notNull())
    .addColumn('reward_title', 'text', (c) => c.notNull())
    .addColumn('reward_terms', 'text', (c) => c.notNull())
    .addColumn('reward_valid_days', 'integer', (c) => c.notNull())
    .addColumn('daily_limit', 'integer', (c) => c.notNull())
    .addColumn('cooldown_minutes', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('stamps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('card_id', 'text', (c) => c.notNull().references('cards.id'))
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
    .addColumn('coupon_id', 'text', (c) => c.references('coupons.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('stamps_card_time').on('stamps').columns(['card_id', 'created_at']).execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore from a backup instead')
}
