/* Feedback: visit ratings, surveys, replies (migration 0070); part of Database in schema.ts. */
type Iso = string

export interface FeedbackSettingsTable {
  merchant_id: string
  visit_questions: number
  period_days: number
  push_delay_hours: number
  cashier_access: 'none' | 'own' | 'own_named'
  updated_at: Iso
}
export interface FeedbackCardAskTable {
  card_id: string
  merchant_id: string
  last_visit_at: Iso
}
export interface FeedbackSurveyTable {
  id: string
  merchant_id: string
  title: string
  intro: string
  segment: string
  schedule: 'once' | 'quarterly'
  starts_at: Iso
  thanks_points: number
  state: 'active' | 'closed'
  created_by: string | null
  created_at: Iso
  closed_at: Iso | null
}
export interface FeedbackSurveyQuestionTable {
  id: string
  survey_id: string
  position: number
  kind: 'rating' | 'recommend' | 'single' | 'multiple' | 'text'
  prompt: string
  options: string | null
  required: number
}
export interface FeedbackSurveyRoundTable {
  survey_id: string
  round: number
  opens_at: Iso
  closes_at: Iso
  invited: number
  created_at: Iso
}
export interface FeedbackRequestTable {
  id: string
  merchant_id: string
  card_id: string | null
  kind: 'visit' | 'survey'
  survey_id: string | null
  round: number | null
  entry_id: string | null
  entry_kind: 'earn' | 'stamp' | null
  staff_id: string | null
  location_id: string | null
  visit_at: Iso | null
  created_at: Iso
  expires_at: Iso
  state: 'open' | 'answered' | 'dismissed'
  answered_at: Iso | null
  nudged_at: Iso | null
}
export interface FeedbackResponseTable {
  id: string
  merchant_id: string
  request_id: string | null
  card_id: string | null
  kind: 'visit' | 'survey'
  survey_id: string | null
  round: number | null
  rating: number | null
  comment: string | null
  has_comment: number
  staff_id: string | null
  location_id: string | null
  visit_at: Iso | null
  thanks_entry_id: string | null
  incentivised: number
  alerted_at: Iso | null
  created_at: Iso
}
export interface FeedbackAnswerTable {
  id: string
  response_id: string
  merchant_id: string
  survey_id: string
  question_id: string
  card_id: string | null
  score: number | null
  choices: string | null
  text: string | null
  created_at: Iso
}
export interface FeedbackReplyTable {
  id: string
  merchant_id: string
  response_id: string
  card_id: string
  staff_id: string | null
  body: string
  created_at: Iso
  seen_at: Iso | null
}
export interface FeedbackScanTable {
  merchant_id: string
  scanned_until: Iso
}

export interface FeedbackDatabase {
  feedback_settings: FeedbackSettingsTable
  feedback_card_asks: FeedbackCardAskTable
  feedback_surveys: FeedbackSurveyTable
  feedback_survey_questions: FeedbackSurveyQuestionTable
  feedback_survey_rounds: FeedbackSurveyRoundTable
  feedback_requests: FeedbackRequestTable
  feedback_responses: FeedbackResponseTable
  feedback_answers: FeedbackAnswerTable
  feedback_replies: FeedbackReplyTable
  feedback_scans: FeedbackScanTable
}
