import type { Kysely } from 'kysely'

/*
 * Feedback (issue 21): visit ratings, short surveys, replies. Rules in server/domain/feedback.ts and
 * docs/feedback.md. Only text and integer columns, so the same file runs on SQLite and PostgreSQL.
 * card_id columns are nullable: deleting an account unlinks the member from what they said
 * (member-data.ts MEMBER_TABLES), and the scores stay, anonymous, in the figures.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // A missing row means the defaults (server/domain/feedback.ts DEFAULT_FEEDBACK_SETTINGS).
  await db.schema
    .createTable('feedback_settings')
    .addColumn('merchant_id', 'text', (c) => c.primaryKey().references('merchants.id'))
    .addColumn('visit_questions', 'integer', (c) => c.notNull())
    .addColumn('period_days', 'integer', (c) => c.notNull())
    .addColumn('push_delay_hours', 'integer', (c) => c.notNull())
    /** none | own | own_named: what cashiers may read of the ratings of visits they served. */
    .addColumn('cashier_access', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()

  // The last visit a card was asked about: taken by one conditional upsert, so two visits inside
  // the merchant's period never both get a question, whatever the backend.
  await db.schema
    .createTable('feedback_card_asks')
    .addColumn('card_id', 'text', (c) => c.primaryKey().references('cards.id'))
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('last_visit_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('feedback_surveys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('intro', 'text', (c) => c.notNull())
    /** 'all' or an insights segment (server/contract/insights.ts SegmentName). */
    .addColumn('segment', 'text', (c) => c.notNull())
    /** once | quarterly */
    .addColumn('schedule', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('thanks_points', 'integer', (c) => c.notNull())
    /** active | closed */
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('staff.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .execute()
  await db.schema
    .createIndex('feedback_surveys_merchant')
    .on('feedback_surveys')
    .columns(['merchant_id', 'created_at'])
    .execute()

  await db.schema
    .createTable('feedback_survey_questions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('survey_id', 'text', (c) => c.notNull().references('feedback_surveys.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    /** rating | recommend | single | multiple | text */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('prompt', 'text', (c) => c.notNull())
    /** JSON array of option labels (single, multiple); null otherwise. */
    .addColumn('options', 'text')
    .addColumn('required', 'integer', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('feedback_survey_questions_survey')
    .on('feedback_survey_questions')
    .column('survey_id')
    .execute()

  // One row per opened round (a quarterly survey has one a quarter): the key that opens it once.
  await db.schema
    .createTable('feedback_survey_rounds')
    .addColumn('survey_id', 'text', (c) => c.notNull().references('feedback_surveys.id'))
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('opens_at', 'text', (c) => c.notNull())
    .addColumn('closes_at', 'text', (c) => c.notNull())
    .addColumn('invited', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('feedback_survey_rounds_pk', ['survey_id', 'round'])
    .execute()

  // A question addressed to one member: about a visit, or a survey round's invitation.
  await db.schema
    .createTable('feedback_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('card_id', 'text', (c) => c.references('cards.id'))
    /** visit | survey */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('survey_id', 'text', (c) => c.references('feedback_surveys.id'))
    .addColumn('round', 'integer')
    /** The visit: a ledger entry (earn) or a stamp, who served, where, when. */
    .addColumn('entry_id', 'text')
    .addColumn('entry_kind', 'text')
    .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
    /** Filled from the visit's entry once entries carry a location (issue 16); null until then. */
    .addColumn('location_id', 'text')
    .addColumn('visit_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    /** open | answered | dismissed; expiry is by expires_at, not a state. */
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('answered_at', 'text')
    /** When the "a few hours later" push was considered (sent or not): it is considered once. */
    .addColumn('nudged_at', 'text')
    .addUniqueConstraint('feedback_requests_visit', ['card_id', 'entry_id'])
    .addUniqueConstraint('feedback_requests_round', ['survey_id', 'round', 'card_id'])
    .execute()
  await db.schema
    .createIndex('feedback_requests_card')
    .on('feedback_requests')
    .columns(['card_id', 'state', 'expires_at'])
    .execute()
  await db.schema
    .createIndex('feedback_requests_nudge')
    .on('feedback_requests')
    .columns(['merchant_id', 'kind', 'nudged_at', 'visit_at'])
    .execute()

  await db.schema
    .createTable('feedback_responses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('request_id', 'text', (c) => c.references('feedback_requests.id').unique())
    .addColumn('card_id', 'text', (c) => c.references('cards.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('survey_id', 'text', (c) => c.references('feedback_surveys.id'))
    .addColumn('round', 'integer')
    /** The visit's rating, 1-5 (visit responses). */
    .addColumn('rating', 'integer')
    .addColumn('comment', 'text')
    /** Whether there is text to read (a comment or a free-text answer); the inbox filters on it. */
    .addColumn('has_comment', 'integer', (c) => c.notNull())
    .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
    .addColumn('location_id', 'text')
    .addColumn('visit_at', 'text')
    /** The thank-you points' ledger entry; incentivised answers are marked in the results. */
    .addColumn('thanks_entry_id', 'text')
    .addColumn('incentivised', 'integer', (c) => c.notNull())
    .addColumn('alerted_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('feedback_responses_merchant_time')
    .on('feedback_responses')
    .columns(['merchant_id', 'created_at'])
    .execute()
  await db.schema.createIndex('feedback_responses_card').on('feedback_responses').column('card_id').execute()

  await db.schema
    .createTable('feedback_answers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('response_id', 'text', (c) => c.notNull().references('feedback_responses.id'))
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('survey_id', 'text', (c) => c.notNull().references('feedback_surveys.id'))
    .addColumn('question_id', 'text', (c) => c.notNull().references('feedback_survey_questions.id'))
    /** Denormalised from the response, so export and erasure find the member's answers directly. */
    .addColumn('card_id', 'text', (c) => c.references('cards.id'))
    .addColumn('score', 'integer')
    /** JSON array of chosen option indexes. */
    .addColumn('choices', 'text')
    .addColumn('text', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('feedback_answers_response').on('feedback_answers').column('response_id').execute()
  await db.schema
    .createIndex('feedback_answers_question')
    .on('feedback_answers')
    .columns(['question_id', 'created_at'])
    .execute()
  await db.schema.createIndex('feedback_answers_card').on('feedback_answers').column('card_id').execute()

  await db.schema
    .createTable('feedback_replies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.id'))
    .addColumn('response_id', 'text', (c) => c.notNull().references('feedback_responses.id'))
    .addColumn('card_id', 'text', (c) => c.notNull().references('cards.id'))
    .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'text')
    .execute()
  await db.schema.createIndex('feedback_replies_response').on('feedback_replies').column('response_id').execute()
  await db.schema.createIndex('feedback_replies_card').on('feedback_replies').columns(['card_id', 'seen_at']).execute()

  // Where the visit-question automation stopped reading the ledger and the stamps.
  await db.schema
    .createTable('feedback_scans')
    .addColumn('merchant_id', 'text', (c) => c.primaryKey().references('merchants.id'))
    .addColumn('scanned_until', 'text', (c) => c.notNull())
    .execute()

  // The automation reads a merchant's recent stamps by time (the ledger has ledger_merchant_time).
  await db.schema.createIndex('stamps_merchant_time').on('stamps').columns(['merchant_id', 'created_at']).execute()

  // The member's switch for feedback pushes: off unless they turn it on.
  await db.schema
    .alterTable('push_preferences')
    .addColumn('feedback', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only; restore from a backup instead')
}
