import { z } from 'zod'
import { IsoDate } from './common.js'
import { SegmentName } from './insights.js'

/* Feedback (issue 21): visit ratings, surveys, replies, the inbox and its figures. Rules: docs/feedback.md. */

const Text = (max: number) => z.string().trim().min(1).max(max)
const RequestId = z.string().min(1).max(64)

export const FeedbackSettingsDto = z
  .object({
    visitQuestions: z.boolean(),
    periodDays: z.number().int().min(1).max(365),
    pushDelayHours: z.number().int().min(1).max(48),
    cashierAccess: z.enum(['none', 'own', 'own_named']),
  })
  .meta({ id: 'FeedbackSettings' })
export type FeedbackSettingsDto = z.infer<typeof FeedbackSettingsDto>

/* ---- the member's side ---- */

export const QuestionKind = z.enum(['rating', 'recommend', 'single', 'multiple', 'text'])
export type QuestionKind = z.infer<typeof QuestionKind>
export const SurveyQuestionDto = z.object({
  id: z.string(),
  kind: QuestionKind,
  prompt: z.string(),
  options: z.array(z.string()).nullable(),
  required: z.boolean(),
})
export type SurveyQuestionDto = z.infer<typeof SurveyQuestionDto>

export const VisitQuestion = z.object({ id: z.string(), visitAt: z.string(), expiresAt: z.string() })
export const SurveyInvite = z.object({
  id: z.string(),
  surveyId: z.string(),
  title: z.string(),
  intro: z.string(),
  thanksPoints: z.number().int(),
  expiresAt: z.string(),
  questions: z.array(SurveyQuestionDto),
})
export type SurveyInvite = z.infer<typeof SurveyInvite>
export const MemberReply = z.object({
  id: z.string(),
  body: z.string(),
  createdAt: z.string(),
  /** What the member said that this answers. */
  rating: z.number().int().nullable(),
  comment: z.string().nullable(),
  surveyTitle: z.string().nullable(),
})
export const CardFeedback = z
  .object({
    question: VisitQuestion.nullable(),
    survey: SurveyInvite.nullable(),
    replies: z.array(MemberReply),
  })
  .meta({ id: 'CardFeedback' })
export type CardFeedback = z.infer<typeof CardFeedback>

export const RateVisitBody = z.object({
  requestId: RequestId,
  rating: z.number().int().min(1).max(5),
  comment: z.string().trim().max(1000).optional(),
})
export const SurveyAnswerBody = z.object({
  requestId: RequestId,
  answers: z
    .array(
      z.object({
        questionId: z.string().min(1).max(64),
        score: z.number().int().min(0).max(10).nullable().optional(),
        choices: z.array(z.number().int().min(0).max(7)).max(8).nullable().optional(),
        text: z.string().max(1000).nullable().optional(),
      }),
    )
    .max(5),
})
export type SurveyAnswerBody = z.infer<typeof SurveyAnswerBody>
export const RequestRef = z.object({ requestId: RequestId })
export const AnswerResult = z.object({
  responseId: z.string(),
  /** The thank-you points posted for this answer (0 when none). */
  thanksPoints: z.number().int(),
  balance: z.number().int().nullable(),
})

/* ---- surveys (console) ---- */

export const SurveySegment = z.union([z.literal('all'), SegmentName])
export const NewSurveyQuestion = z
  .object({
    kind: QuestionKind,
    prompt: Text(200),
    options: z.array(Text(60)).min(2).max(8).optional(),
    required: z.boolean().default(false),
  })
  .refine((q) => (q.kind === 'single' || q.kind === 'multiple') === (q.options !== undefined), {
    message: 'choice questions need 2-8 options; other kinds take none',
    path: ['options'],
  })
export const CreateSurvey = z.object({
  title: Text(80),
  intro: z.string().trim().max(300).default(''),
  segment: SurveySegment.default('all'),
  schedule: z.enum(['once', 'quarterly']).default('once'),
  /** Omit (or null) to start now. */
  startsAt: z.iso.datetime({ offset: true }).nullable().optional(),
  /** Points thanking each member once per round for answering; 0 for none. */
  thanksPoints: z.number().int().min(0).max(1000).default(0),
  questions: z.array(NewSurveyQuestion).min(1).max(5),
})
export type CreateSurvey = z.input<typeof CreateSurvey>

const MeanStat = z.object({
  n: z.number().int(),
  mean: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
})
const RecommendStat = z.object({
  n: z.number().int(),
  promoters: z.number().int(),
  passives: z.number().int(),
  detractors: z.number().int(),
  score: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
})

export const SurveyDto = z
  .object({
    id: z.string(),
    title: z.string(),
    intro: z.string(),
    segment: SurveySegment,
    schedule: z.enum(['once', 'quarterly']),
    startsAt: z.string(),
    thanksPoints: z.number().int(),
    state: z.enum(['active', 'closed']),
    createdAt: z.string(),
    questions: z.array(SurveyQuestionDto),
    rounds: z.array(
      z.object({
        round: z.number().int(),
        opensAt: z.string(),
        closesAt: z.string(),
        invited: z.number().int(),
        answered: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'Survey' })
export type SurveyDto = z.infer<typeof SurveyDto>

export const SurveyResults = z
  .object({
    survey: SurveyDto,
    responses: z.number().int(),
    /** Answers given with thank-you points: read them knowing a reward was offered. */
    incentivised: z.number().int(),
    questions: z.array(
      z.object({
        id: z.string(),
        kind: QuestionKind,
        prompt: z.string(),
        answered: z.number().int(),
        rating: MeanStat.nullable(),
        recommend: RecommendStat.nullable(),
        /** Choice questions: how many picked each option, in the options' order. */
        counts: z.array(z.object({ option: z.string(), n: z.number().int() })).nullable(),
        /** Text questions: the latest answers. */
        texts: z.array(z.object({ text: z.string(), createdAt: z.string() })).nullable(),
      }),
    ),
  })
  .meta({ id: 'SurveyResults' })
export type SurveyResults = z.infer<typeof SurveyResults>

/* ---- the inbox ---- */

export const InboxQuery = z.object({
  from: IsoDate.optional(),
  to: IsoDate.optional(),
  kind: z.enum(['visit', 'survey']).optional(),
  locationId: z.string().max(64).optional(),
  staffId: z.string().max(64).optional(),
  score: z.coerce.number().int().min(1).max(5).optional(),
  segment: SegmentName.optional(),
  comment: z.enum(['with', 'without']).optional(),
  /** The `next` of the previous page. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
})
export type InboxQuery = z.infer<typeof InboxQuery>

export const InboxItem = z.object({
  id: z.string(),
  kind: z.enum(['visit', 'survey']),
  createdAt: z.string(),
  rating: z.number().int().nullable(),
  comment: z.string().nullable(),
  /** Null when the member deleted their account, or the reader may not see who it was. */
  member: z.object({ cardId: z.string(), name: z.string() }).nullable(),
  staff: z.object({ id: z.string(), name: z.string() }).nullable(),
  locationId: z.string().nullable(),
  visitAt: z.string().nullable(),
  survey: z.object({ id: z.string(), title: z.string() }).nullable(),
  answers: z.array(z.object({ prompt: z.string(), value: z.string() })),
  incentivised: z.boolean(),
  replies: z.array(z.object({ id: z.string(), body: z.string(), createdAt: z.string(), staffName: z.string() })),
})
export type InboxItem = z.infer<typeof InboxItem>
export const InboxPage = z
  .object({
    items: z.array(InboxItem),
    next: z.string().nullable(),
    canReply: z.boolean(),
  })
  .meta({ id: 'FeedbackInbox' })
export type InboxPage = z.infer<typeof InboxPage>
export const FeedbackOptions = z.object({
  staff: z.array(z.object({ id: z.string(), name: z.string() })),
  locations: z.array(z.object({ id: z.string(), name: z.string() })),
  canReply: z.boolean(),
  /** Owners and managers: the figures and surveys too. */
  full: z.boolean(),
})
export const ReplyBody = z.object({ body: Text(1000) })

/* ---- the figures ---- */

export const ReportQuery = z.object({ from: IsoDate, to: IsoDate })
const Breakdown = z.object({ key: z.string(), label: z.string(), rating: MeanStat, recommend: RecommendStat })
const ComebackGroup = z.object({
  n: z.number().int(),
  returned: z.number().int(),
  share: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
})
export const FeedbackReport = z
  .object({
    from: z.string(),
    to: z.string(),
    rating: MeanStat,
    recommend: RecommendStat,
    withComment: z.number().int(),
    months: z.array(z.object({ month: z.string(), rating: MeanStat, recommend: RecommendStat })),
    byLocation: z.array(Breakdown),
    byStaff: z.array(Breakdown),
    bySegment: z.array(Breakdown),
    comeback: z.object({
      minGroup: z.number().int(),
      windows: z.array(
        z.object({
          days: z.number().int(),
          status: z.enum(['ok', 'not_enough_data']),
          low: ComebackGroup,
          high: ComebackGroup,
          difference: z.object({ value: z.number(), low: z.number(), high: z.number() }).nullable(),
        }),
      ),
    }),
  })
  .meta({ id: 'FeedbackReport' })
export type FeedbackReport = z.infer<typeof FeedbackReport>

export const RATINGS_CSV_COLUMNS = [
  'date_local',
  'date_utc',
  'rating',
  'comment',
  'staff',
  'location_id',
  'visit_local',
  'card_number',
  'member',
  'replies',
] as const
export const ANSWERS_CSV_COLUMNS = [
  'date_local',
  'date_utc',
  'survey',
  'round',
  'question',
  'kind',
  'score',
  'choices',
  'text',
  'card_number',
  'member',
  'incentivised',
] as const
