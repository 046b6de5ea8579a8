import type { Insertable } from 'kysely'
import type { Tx } from '../connection.js'
import type {
  FeedbackAnswerTable,
  FeedbackRequestTable,
  FeedbackResponseTable,
  FeedbackSettingsTable,
} from '../schema-feedback.js'

/*
 * Feedback, the member's side and the visit-question automation: settings, visits, the questions
 * addressed to a member, answers and replies. The console's reads are in feedback-console.ts.
 */

export const feedbackSettingsOf = (db: Tx, merchantId: string) =>
  db.selectFrom('feedback_settings').selectAll().where('merchant_id', '=', merchantId).executeTakeFirst()

export async function saveFeedbackSettings(db: Tx, row: FeedbackSettingsTable): Promise<void> {
  const { merchant_id: _, ...set } = row
  await db
    .insertInto('feedback_settings')
    .values(row)
    .onConflict((oc) => oc.column('merchant_id').doUpdateSet(set))
    .execute()
}

/* ---- visits: an award (earn by staff or a POS) or a stamp ---- */

/** A visit as the question records it, with the location of the award or stamp (issue 16). */
export interface VisitRow {
  card_id: string
  entry_id: string
  entry_kind: 'earn' | 'stamp'
  staff_id: string | null
  location_id: string | null
  visit_at: string
}
const VISIT_COLUMNS = ['id', 'card_id', 'staff_id', 'location_id', 'created_at'] as const

/** Till awards (earns by staff or a POS), not undone. */
const tillEarns = (db: Tx) =>
  db
    .selectFrom('ledger_entries as e')
    .select(VISIT_COLUMNS.map((c) => `e.${c}` as const))
    .where('e.kind', '=', 'earn')
    .where((eb) => eb.or([eb('e.staff_id', 'is not', null), eb('e.api_key_id', 'is not', null)]))
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('ledger_entries as r').select('r.id').whereRef('r.reverses_entry_id', '=', 'e.id'))),
    )

const toVisit = (
  kind: 'earn' | 'stamp',
  r: { id: string; card_id: string; staff_id: string | null; location_id: string | null; created_at: string },
): VisitRow => ({
  card_id: r.card_id,
  entry_id: r.id,
  entry_kind: kind,
  staff_id: r.staff_id,
  location_id: r.location_id,
  visit_at: r.created_at,
})

/** The card's latest visit at the till since `since` (an award or a stamp), or undefined. */
export async function latestVisit(db: Tx, cardId: string, since: string): Promise<VisitRow | undefined> {
  const [earn, stamp] = await Promise.all([
    tillEarns(db)
      .where('e.card_id', '=', cardId)
      .where('e.created_at', '>=', since)
      .orderBy('e.created_at', 'desc')
      .limit(1)
      .executeTakeFirst(),
    db
      .selectFrom('stamps')
      .select(VISIT_COLUMNS)
      .where('card_id', '=', cardId)
      .where('created_at', '>=', since)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst(),
  ])
  const visits = [earn && toVisit('earn', earn), stamp && toVisit('stamp', stamp)].filter((v) => !!v)
  return visits.sort((a, b) => (a.visit_at < b.visit_at ? 1 : -1))[0]
}

/** Visits in [from, to) of a merchant's members who switched feedback pushes on, oldest first. */
export async function visitsOfOptedIn(db: Tx, merchantId: string, from: string, to: string): Promise<VisitRow[]> {
  const [earns, stamps] = await Promise.all([
    tillEarns(db)
      .where('e.merchant_id', '=', merchantId)
      .where('e.created_at', '>=', from)
      .where('e.created_at', '<', to)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('push_preferences as p')
            .select('p.card_id')
            .whereRef('p.card_id', '=', 'e.card_id')
            .where('p.feedback', '=', 1),
        ),
      )
      .execute(),
    db
      .selectFrom('stamps as s')
      .select(VISIT_COLUMNS.map((c) => `s.${c}` as const))
      .where('s.merchant_id', '=', merchantId)
      .where('s.created_at', '>=', from)
      .where('s.created_at', '<', to)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('push_preferences as p')
            .select('p.card_id')
            .whereRef('p.card_id', '=', 's.card_id')
            .where('p.feedback', '=', 1),
        ),
      )
      .execute(),
  ])
  return [...earns.map((e) => toVisit('earn', e)), ...stamps.map((s) => toVisit('stamp', s))].sort((a, b) =>
    a.visit_at < b.visit_at ? -1 : 1,
  )
}

/* ---- the questions addressed to a member ---- */

export const lastAskedVisit = async (db: Tx, cardId: string) =>
  (await db.selectFrom('feedback_card_asks').select('last_visit_at').where('card_id', '=', cardId).executeTakeFirst())
    ?.last_visit_at ?? null

/**
 * Takes the card's question slot for a visit: one conditional upsert, so it changes a row only when
 * the last visit asked about is at or before `askedBefore` (or there was none). Returns whether it did.
 */
export async function takeAskSlot(
  db: Tx,
  row: { card_id: string; merchant_id: string; last_visit_at: string },
  askedBefore: string,
): Promise<boolean> {
  const r = await db
    .insertInto('feedback_card_asks')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('card_id')
        .doUpdateSet({ last_visit_at: (eb) => eb.ref('excluded.last_visit_at') })
        .where('feedback_card_asks.last_visit_at', '<=', askedBefore),
    )
    .executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0
}

export const requestForEntry = (db: Tx, cardId: string, entryId: string) =>
  db
    .selectFrom('feedback_requests')
    .select('id')
    .where('card_id', '=', cardId)
    .where('entry_id', '=', entryId)
    .executeTakeFirst()

export async function insertRequests(db: Tx, rows: Insertable<FeedbackRequestTable>[]): Promise<number> {
  if (!rows.length) return 0
  const r = await db
    .insertInto('feedback_requests')
    .values(rows)
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0)
}

export const requestById = (db: Tx, id: string) =>
  db.selectFrom('feedback_requests').selectAll().where('id', '=', id).executeTakeFirst()

/** The card's open, unexpired visit question (the newest). */
export const openVisitQuestion = (db: Tx, cardId: string, now: string) =>
  db
    .selectFrom('feedback_requests')
    .select(['id', 'visit_at', 'expires_at'])
    .where('card_id', '=', cardId)
    .where('kind', '=', 'visit')
    .where('state', '=', 'open')
    .where('expires_at', '>', now)
    .orderBy('visit_at', 'desc')
    .limit(1)
    .executeTakeFirst()

/** The card's open invitation to an active survey, the one closing first. */
export const openSurveyInvite = (db: Tx, cardId: string, now: string) =>
  db
    .selectFrom('feedback_requests as q')
    .innerJoin('feedback_surveys as s', 's.id', 'q.survey_id')
    .select(['q.id', 'q.expires_at', 's.id as survey_id', 's.title', 's.intro', 's.thanks_points'])
    .where('q.card_id', '=', cardId)
    .where('q.kind', '=', 'survey')
    .where('q.state', '=', 'open')
    .where('q.expires_at', '>', now)
    .where('s.state', '=', 'active')
    .orderBy('q.expires_at')
    .limit(1)
    .executeTakeFirst()

export const surveyQuestions = (db: Tx, surveyIds: string[]) =>
  surveyIds.length
    ? db
        .selectFrom('feedback_survey_questions')
        .selectAll()
        .where('survey_id', 'in', surveyIds)
        .orderBy('survey_id')
        .orderBy('position')
        .execute()
    : Promise.resolve([])

/** Closes an open, unexpired question (answered or dismissed): one conditional update; whether it did. */
export async function closeRequest(db: Tx, id: string, state: 'answered' | 'dismissed', now: string): Promise<boolean> {
  const r = await db
    .updateTable('feedback_requests')
    .set({ state, answered_at: now })
    .where('id', '=', id)
    .where('state', '=', 'open')
    .where('expires_at', '>', now)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export const insertResponse = (db: Tx, row: Insertable<FeedbackResponseTable>) =>
  db.insertInto('feedback_responses').values(row).execute()

export const insertAnswers = (db: Tx, rows: Insertable<FeedbackAnswerTable>[]) =>
  rows.length ? db.insertInto('feedback_answers').values(rows).execute() : Promise.resolve([])

export const setThanksEntry = (db: Tx, responseId: string, entryId: string) =>
  db.updateTable('feedback_responses').set({ thanks_entry_id: entryId }).where('id', '=', responseId).execute()

export const markAlerted = (db: Tx, responseId: string, now: string) =>
  db.updateTable('feedback_responses').set({ alerted_at: now }).where('id', '=', responseId).execute()

/* ---- replies, as the member sees them ---- */

export const unseenReplies = (db: Tx, cardId: string) =>
  db
    .selectFrom('feedback_replies as r')
    .innerJoin('feedback_responses as p', 'p.id', 'r.response_id')
    .leftJoin('feedback_surveys as s', 's.id', 'p.survey_id')
    .select(['r.id', 'r.body', 'r.created_at', 'p.rating', 'p.comment', 's.title as survey_title'])
    .where('r.card_id', '=', cardId)
    .where('r.seen_at', 'is', null)
    .orderBy('r.created_at', 'desc')
    .limit(5)
    .execute()

export const markRepliesSeen = (db: Tx, cardId: string, ids: string[], now: string) =>
  db
    .updateTable('feedback_replies')
    .set({ seen_at: now })
    .where('card_id', '=', cardId)
    .where('id', 'in', ids)
    .where('seen_at', 'is', null)
    .execute()

/* ---- the visit-question automation ---- */

export const feedbackMerchants = (db: Tx) => db.selectFrom('merchants').select(['id', 'timezone']).execute()

export const feedbackScannedUntil = async (db: Tx, merchantId: string) =>
  (
    await db
      .selectFrom('feedback_scans')
      .select('scanned_until')
      .where('merchant_id', '=', merchantId)
      .executeTakeFirst()
  )?.scanned_until ?? null

export async function setFeedbackScannedUntil(db: Tx, merchantId: string, until: string): Promise<void> {
  await db
    .insertInto('feedback_scans')
    .values({ merchant_id: merchantId, scanned_until: until })
    .onConflict((oc) => oc.column('merchant_id').doUpdateSet({ scanned_until: until }))
    .execute()
}

/** Open visit questions not yet nudged whose visit was at or before `visitBefore`, still open at `now`. */
export const questionsToNudge = (db: Tx, merchantId: string, visitBefore: string, now: string) =>
  db
    .selectFrom('feedback_requests')
    .select(['id', 'card_id', 'visit_at', 'expires_at'])
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', 'visit')
    .where('nudged_at', 'is', null)
    .where('state', '=', 'open')
    .where('visit_at', '<=', visitBefore)
    .where('expires_at', '>', now)
    .execute()

export const markNudged = (db: Tx, id: string, now: string) =>
  db
    .updateTable('feedback_requests')
    .set({ nudged_at: now })
    .where('id', '=', id)
    .where('nudged_at', 'is', null)
    .execute()

/** The merchant's open cards whose member switched feedback pushes on. */
export const optedInCards = async (db: Tx, merchantId: string) =>
  new Set(
    (
      await db
        .selectFrom('push_preferences as p')
        .innerJoin('cards as c', 'c.id', 'p.card_id')
        .select('c.id')
        .where('c.merchant_id', '=', merchantId)
        .where('c.closed_at', 'is', null)
        .where('p.feedback', '=', 1)
        .execute()
    ).map((r) => r.id),
  )
