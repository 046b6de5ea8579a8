import type { Insertable } from 'kysely'
import type { Tx } from '../connection.js'
import type {
  FeedbackSurveyQuestionTable,
  FeedbackSurveyRoundTable,
  FeedbackSurveyTable,
  FeedbackReplyTable,
} from '../schema-feedback.js'

/* Feedback, the console's side: surveys and their rounds, the inbox, the figures, the CSV pages. */

/* ---- surveys ---- */

export const insertSurvey = (db: Tx, row: Insertable<FeedbackSurveyTable>) =>
  db.insertInto('feedback_surveys').values(row).execute()

export const insertSurveyQuestions = (db: Tx, rows: Insertable<FeedbackSurveyQuestionTable>[]) =>
  db.insertInto('feedback_survey_questions').values(rows).execute()

export const surveysOf = (db: Tx, merchantId: string) =>
  db
    .selectFrom('feedback_surveys')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .orderBy('created_at', 'desc')
    .limit(100)
    .execute()

export const surveyOf = (db: Tx, merchantId: string, id: string) =>
  db
    .selectFrom('feedback_surveys')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .executeTakeFirst()

export const activeSurveys = (db: Tx) =>
  db.selectFrom('feedback_surveys').selectAll().where('state', '=', 'active').execute()

export const closeSurvey = (db: Tx, merchantId: string, id: string, now: string) =>
  db
    .updateTable('feedback_surveys')
    .set({ state: 'closed', closed_at: now })
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .where('state', '=', 'active')
    .executeTakeFirst()

export const roundsOf = (db: Tx, surveyIds: string[]) =>
  surveyIds.length
    ? db.selectFrom('feedback_survey_rounds').selectAll().where('survey_id', 'in', surveyIds).orderBy('round').execute()
    : Promise.resolve([])

export const roundExists = async (db: Tx, surveyId: string, round: number) =>
  (await db
    .selectFrom('feedback_survey_rounds')
    .select('round')
    .where('survey_id', '=', surveyId)
    .where('round', '=', round)
    .executeTakeFirst()) !== undefined

/** Records a round as opened; false when it already was (the key that makes opening it idempotent). */
export async function insertRound(db: Tx, row: FeedbackSurveyRoundTable): Promise<boolean> {
  const r = await db
    .insertInto('feedback_survey_rounds')
    .values(row)
    .onConflict((oc) => oc.columns(['survey_id', 'round']).doNothing())
    .executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0
}

export const addInvited = (db: Tx, surveyId: string, round: number, n: number) =>
  db
    .updateTable('feedback_survey_rounds')
    .set((eb) => ({ invited: eb('invited', '+', n) }))
    .where('survey_id', '=', surveyId)
    .where('round', '=', round)
    .execute()

export const answeredPerRound = (db: Tx, surveyIds: string[]) =>
  surveyIds.length
    ? db
        .selectFrom('feedback_responses')
        .select(['survey_id', 'round', (eb) => eb.fn.countAll<number>().as('n')])
        .where('survey_id', 'in', surveyIds)
        .groupBy(['survey_id', 'round'])
        .execute()
    : Promise.resolve([])

export const answersOfSurvey = (db: Tx, surveyId: string) =>
  db
    .selectFrom('feedback_answers as a')
    .innerJoin('feedback_responses as r', 'r.id', 'a.response_id')
    .select(['a.question_id', 'a.score', 'a.choices', 'a.text', 'a.created_at', 'r.incentivised'])
    .where('a.survey_id', '=', surveyId)
    .orderBy('a.created_at', 'desc')
    .execute()

export async function responseCounts(db: Tx, surveyId: string) {
  const r = await db
    .selectFrom('feedback_responses')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('incentivised').as('incentivised')])
    .where('survey_id', '=', surveyId)
    .executeTakeFirstOrThrow()
  return { n: Number(r.n), incentivised: Number(r.incentivised ?? 0) }
}

/* ---- the inbox ---- */

export interface InboxFilter {
  start?: string
  end?: string
  kind?: 'visit' | 'survey'
  locationId?: string
  staffId?: string
  score?: number
  comment?: 'with' | 'without'
  after?: { at: string; id: string }
}

/** Responses newest first, one keyset page, with who served, who answered and the survey's title. */
export const inboxRows = (db: Tx, merchantId: string, f: InboxFilter, limit: number) =>
  db
    .selectFrom('feedback_responses as r')
    .leftJoin('staff as st', 'st.id', 'r.staff_id')
    .leftJoin('cards as c', 'c.id', 'r.card_id')
    .leftJoin('customers as cu', 'cu.id', 'c.customer_id')
    .leftJoin('feedback_surveys as s', 's.id', 'r.survey_id')
    .select([
      'r.id',
      'r.kind',
      'r.created_at',
      'r.rating',
      'r.comment',
      'r.card_id',
      'r.staff_id',
      'r.location_id',
      'r.visit_at',
      'r.survey_id',
      'r.incentivised',
      'st.name as staff_name',
      'cu.name as member_name',
      's.title as survey_title',
    ])
    .where('r.merchant_id', '=', merchantId)
    .$if(f.start !== undefined, (q) => q.where('r.created_at', '>=', f.start!))
    .$if(f.end !== undefined, (q) => q.where('r.created_at', '<', f.end!))
    .$if(f.kind !== undefined, (q) => q.where('r.kind', '=', f.kind!))
    .$if(f.locationId !== undefined, (q) => q.where('r.location_id', '=', f.locationId!))
    .$if(f.staffId !== undefined, (q) => q.where('r.staff_id', '=', f.staffId!))
    .$if(f.score !== undefined, (q) => q.where('r.rating', '=', f.score!))
    .$if(f.comment !== undefined, (q) => q.where('r.has_comment', '=', f.comment === 'with' ? 1 : 0))
    .$if(f.after !== undefined, (q) =>
      q.where((eb) =>
        eb.or([
          eb('r.created_at', '<', f.after!.at),
          eb.and([eb('r.created_at', '=', f.after!.at), eb('r.id', '<', f.after!.id)]),
        ]),
      ),
    )
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(limit)
    .execute()
export type InboxRow = Awaited<ReturnType<typeof inboxRows>>[number]

export const answersOfResponses = (db: Tx, responseIds: string[]) =>
  responseIds.length
    ? db
        .selectFrom('feedback_answers as a')
        .innerJoin('feedback_survey_questions as q', 'q.id', 'a.question_id')
        .select(['a.response_id', 'q.position', 'q.prompt', 'q.kind', 'q.options', 'a.score', 'a.choices', 'a.text'])
        .where('a.response_id', 'in', responseIds)
        .orderBy('q.position')
        .execute()
    : Promise.resolve([])

export const repliesOfResponses = (db: Tx, responseIds: string[]) =>
  responseIds.length
    ? db
        .selectFrom('feedback_replies as r')
        .leftJoin('staff as s', 's.id', 'r.staff_id')
        .select(['r.id', 'r.response_id', 'r.body', 'r.created_at', 's.name as staff_name'])
        .where('r.response_id', 'in', responseIds)
        .orderBy('r.created_at')
        .execute()
    : Promise.resolve([])

export const responseOf = (db: Tx, merchantId: string, id: string) =>
  db
    .selectFrom('feedback_responses')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .executeTakeFirst()

export const insertReply = (db: Tx, row: Insertable<FeedbackReplyTable>) =>
  db.insertInto('feedback_replies').values(row).execute()

/* ---- the figures ---- */

export const visitRatingsBetween = (db: Tx, merchantId: string, start: string, end: string) =>
  db
    .selectFrom('feedback_responses as r')
    .leftJoin('staff as st', 'st.id', 'r.staff_id')
    .select([
      'r.rating',
      'r.card_id',
      'r.staff_id',
      'st.name as staff_name',
      'r.location_id',
      'r.visit_at',
      'r.created_at',
    ])
    .where('r.merchant_id', '=', merchantId)
    .where('r.kind', '=', 'visit')
    .where('r.created_at', '>=', start)
    .where('r.created_at', '<', end)
    .$narrowType<{ rating: number }>()
    .execute()

export const recommendScoresBetween = (db: Tx, merchantId: string, start: string, end: string) =>
  db
    .selectFrom('feedback_answers as a')
    .innerJoin('feedback_survey_questions as q', 'q.id', 'a.question_id')
    .select(['a.score', 'a.card_id', 'a.created_at'])
    .where('a.merchant_id', '=', merchantId)
    .where('q.kind', '=', 'recommend')
    .where('a.score', 'is not', null)
    .where('a.created_at', '>=', start)
    .where('a.created_at', '<', end)
    .$narrowType<{ score: number }>()
    .execute()

export async function commentCountBetween(db: Tx, merchantId: string, start: string, end: string) {
  const r = await db
    .selectFrom('feedback_responses')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('merchant_id', '=', merchantId)
    .where('has_comment', '=', 1)
    .where('created_at', '>=', start)
    .where('created_at', '<', end)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/* ---- CSV pages (keyset, oldest first) ---- */

type After = { at: string; id: string } | null

export const ratingsPage = (db: Tx, merchantId: string, start: string, end: string, after: After, limit: number) =>
  db
    .selectFrom('feedback_responses as r')
    .leftJoin('staff as st', 'st.id', 'r.staff_id')
    .leftJoin('cards as c', 'c.id', 'r.card_id')
    .leftJoin('customers as cu', 'cu.id', 'c.customer_id')
    .select((eb) => [
      'r.id',
      'r.created_at',
      'r.rating',
      'r.comment',
      'st.name as staff_name',
      'r.location_id',
      'r.visit_at',
      'c.card_number',
      'cu.name as member',
      eb
        .selectFrom('feedback_replies as p')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('p.response_id', '=', 'r.id')
        .as('replies'),
    ])
    .where('r.merchant_id', '=', merchantId)
    .where('r.kind', '=', 'visit')
    .where('r.created_at', '>=', start)
    .where('r.created_at', '<', end)
    .$if(after !== null, (q) =>
      q.where((eb) =>
        eb.or([
          eb('r.created_at', '>', after!.at),
          eb.and([eb('r.created_at', '=', after!.at), eb('r.id', '>', after!.id)]),
        ]),
      ),
    )
    .orderBy('r.created_at')
    .orderBy('r.id')
    .limit(limit)
    .execute()

export const answersPage = (db: Tx, merchantId: string, start: string, end: string, after: After, limit: number) =>
  db
    .selectFrom('feedback_answers as a')
    .innerJoin('feedback_responses as r', 'r.id', 'a.response_id')
    .innerJoin('feedback_survey_questions as q', 'q.id', 'a.question_id')
    .innerJoin('feedback_surveys as s', 's.id', 'a.survey_id')
    .leftJoin('cards as c', 'c.id', 'a.card_id')
    .leftJoin('customers as cu', 'cu.id', 'c.customer_id')
    .select([
      'a.id',
      'a.created_at',
      's.title',
      'r.round',
      'q.prompt',
      'q.kind',
      'q.options',
      'a.score',
      'a.choices',
      'a.text',
      'c.card_number',
      'cu.name as member',
      'r.incentivised',
    ])
    .where('a.merchant_id', '=', merchantId)
    .where('a.created_at', '>=', start)
    .where('a.created_at', '<', end)
    .$if(after !== null, (q) =>
      q.where((eb) =>
        eb.or([
          eb('a.created_at', '>', after!.at),
          eb.and([eb('a.created_at', '=', after!.at), eb('a.id', '>', after!.id)]),
        ]),
      ),
    )
    .orderBy('a.created_at')
    .orderBy('a.id')
    .limit(limit)
    .execute()

/* ---- locations (issue 16) ---- */

/** The merchant's locations (archived ones too: old ratings name them), for labels and filters. */
export const locationNames = (db: Tx, merchantId: string): Promise<Array<{ id: string; name: string }>> =>
  db.selectFrom('locations').select(['id', 'name']).where('merchant_id', '=', merchantId).orderBy('name').execute()
