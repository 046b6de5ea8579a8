import type { ColumnType, Insertable, Selectable } from 'kysely'
import type { FeedbackDatabase } from './schema-feedback.js'
import type { SummaryDatabase } from './schema-summaries.js'
import type { WebhookDatabase } from './schema-webhooks.js'
import type { WalletDatabase } from './schema-wallet.js'

/** Times are UTC ISO-8601 text; points and money are integers. */
type Iso = string

export interface MerchantTable {
  id: string
  slug: string
  name: string
  brand_color: string
  accent_color: string
  logo_url: string | null
  timezone: string
  currency: string
  created_at: Iso
  /* Many businesses on one installation (0020). */
  kind: ColumnType<string | null, string | null | undefined, string | null>
  country: ColumnType<string | null, string | null | undefined, string | null>
  /** When the owner's address was proven by the emailed link. */
  email_verified_at: ColumnType<Iso | null, Iso | null | undefined, Iso | null>
  /** When the business went live (members may join); null while it is being set up. */
  live_at: ColumnType<Iso | null, Iso | null | undefined, Iso | null>
  /** Set while an operator has suspended the business. */
  suspended_at: ColumnType<Iso | null, Iso | null | undefined, Iso | null>
  suspended_reason: ColumnType<string | null, string | null | undefined, string | null>
  closed_at: ColumnType<Iso | null, Iso | null | undefined, Iso | null>
  /** When an operator last exported the business's data (closing needs one). */
  exported_at: ColumnType<Iso | null, Iso | null | undefined, Iso | null>
  /** The language its offers and automation messages are written in first (0060); the others fall back to it. */
  default_locale: ColumnType<string, string | undefined, string>
}

/** Append-only versions of the program; the newest with effective_from <= now applies. */
export interface ProgramVersionTable {
  id: string
  merchant_id: string
  version: number
  points_per_unit: number
  unit_minor: number
  rounding: 'floor' | 'round' | 'ceil'
  /** ProgramRules as JSON (0002); null on older versions, which earn by the columns above only. */
  rules: ColumnType<string | null, string | null | undefined, string | null>
  effective_from: Iso
  created_at: Iso
}

export interface StaffTable {
  id: string
  merchant_id: string
  email: string
  name: string
  role: 'owner' | 'manager' | 'cashier'
  password_hash: string
  active: ColumnType<number, number | undefined, number>
  created_at: Iso
}

export interface CustomerTable {
  id: string
  name: string
  email: string | null
  birthday: string | null
  birthday_set_at: ColumnType<Iso | null, Iso | null | undefined, Iso | null>
  created_at: Iso
  /** Set when this wallet was merged into another (issue 7); the row then holds no personal data. */
  merged_into_id: ColumnType<string | null, string | null | undefined, string | null>
  /** Set when the member deleted their account; name, email and birthday are erased. */
  deleted_at: ColumnType<Iso | null, Iso | null | undefined, Iso | null>
  /** When a sign-in link opened from `email` proved the member owns it; null until then. */
  email_verified_at: ColumnType<Iso | null, Iso | null | undefined, Iso | null>
  /** The member's language (0060): from the browser at join, changed in Settings; pushes and emails use it. */
  locale: ColumnType<string | null, string | null | undefined, string | null>
}

export interface CardTable {
  id: string
  customer_id: string
  merchant_id: string
  card_number: string
  totp_secret: string
  /** Cache of SUM(ledger_entries.points); updated in the same transaction as every entry. */
  balance: number
  /** The last TOTP step that opened this card at the till; a step is accepted once. */
  last_code_step: number | null
  marketing_consent: number
  signup_link_id: string | null
  referral_code: ColumnType<string | null, string | null | undefined, string | null>
  referred_by_card_id: ColumnType<string | null, string | null | undefined, string | null>
  created_at: Iso
  updated_at: Iso
  /** A closed card (merged into another, or of a deleted member) takes no more points. */
  closed_at: ColumnType<Iso | null, Iso | null | undefined, Iso | null>
  closed_into_card_id: ColumnType<string | null, string | null | undefined, string | null>
  /** The location whose signup link the member joined through (0021). */
  joined_location_id: ColumnType<string | null, string | null | undefined, string | null>
  /** Last time the card was used at the till (scan or purchase), or joined; the wallet lists it first. */
  last_used_at: ColumnType<Iso | null, Iso | null | undefined, Iso | null>
}

export interface LedgerEntryTable {
  id: string
  card_id: string
  merchant_id: string
  kind: 'earn' | 'redeem' | 'expire' | 'adjust' | 'reversal' | 'bonus' | 'transfer'
  points: number
  balance_after: number
  reason: string
  amount_minor: number | null
  currency: string | null
  staff_id: string | null
  api_key_id: string | null
  reverses_entry_id: string | null
  /** When the points of an earn lot expire (set by the program engine). */
  lot_expires_at: Iso | null
  program_version: number | null
  /** On an 'expire' entry: the lot (earn/bonus entry) it expires. */
  expires_entry_id: ColumnType<string | null, string | null | undefined, string | null>
  idempotency_key: string | null
  created_at: Iso
  /** Where it happened (0021); null for a member's own redemption, automations and businesses without locations. */
  location_id: ColumnType<string | null, string | null | undefined, string | null>
  /** The card's posting order (1, 2, ...), assigned in the write transaction (migration 0030). */
  seq: ColumnType<number, number | undefined, never>
  /** Why, as a code and parameters (0060, server/domain/i18n/reasons.ts); null on older entries, which have only `reason`. */
  reason_code: ColumnType<string | null, string | null | undefined, never>
  reason_params: ColumnType<string | null, string | null | undefined, never>
}

export interface SessionTable {
  id: string
  token_hash: string
  kind: 'customer' | 'staff'
  customer_id: string | null
  staff_id: string | null
  user_agent: string | null
  created_at: Iso
  last_seen_at: Iso
  expires_at: Iso
}

export interface IdempotencyRecordTable {
  merchant_id: string
  scope: string
  key: string
  request_hash: string
  status: number
  /** The answer, without the member's name (a replay reads it again; 0050). */
  body: string
  created_at: Iso
  /** The card the answer is about; unlinked (null) when its member deletes the account (0050). */
  card_id: ColumnType<string | null, string | null | undefined, string | null>
}

export interface SignupLinkTable {
  id: string
  merchant_id: string
  code: string
  campaign: string
  created_at: Iso
  location_id: ColumnType<string | null, string | null | undefined, string | null>
}

export interface ApiKeyTable {
  id: string
  merchant_id: string
  name: string
  prefix: string
  key_hash: string
  created_by: string
  created_at: Iso
  last_used_at: Iso | null
  revoked_at: Iso | null
  /** The location this POS stands at; its earns record it. */
  location_id: ColumnType<string | null, string | null | undefined, string | null>
}

export interface ScanHandleTable {
  id: string
  card_id: string
  merchant_id: string
  staff_id: string | null
  created_at: Iso
  expires_at: Iso
  /** Where the card was scanned: what follows on this handle happened there. */
  location_id: ColumnType<string | null, string | null | undefined, string | null>
  /** 1: opened by an Apple pass's static member code (0080): awards, never redeems or takes points. */
  award_only: ColumnType<number, number | undefined, number>
}

export interface CardTierTable {
  card_id: string
  merchant_id: string
  tier: string
  achieved_at: Iso
  below_since: Iso | null
}

export interface TierChangeTable {
  id: string
  card_id: string
  merchant_id: string
  from_tier: string | null
  to_tier: string | null
  direction: 'up' | 'down'
  created_at: Iso
}

export interface BonusGrantTable {
  id: string
  card_id: string
  merchant_id: string
  kind: 'welcome' | 'birthday' | 'referral'
  period: string
  entry_id: string | null
  created_at: Iso
}

export interface RewardTable {
  id: string
  merchant_id: string
  name: string
  terms: string
  /** An emoji or an image URL. */
  image: string | null
  points_cost: number
  /** Left in stock; null is unlimited. Taken by an UPDATE ... WHERE stock > 0. */
  stock: number | null
  per_member_limit: number | null
  /** Days the issued coupon stays valid. */
  valid_days: number
  active: number
  created_at: Iso
  updated_at: Iso
}

export interface CouponTable {
  id: string
  merchant_id: string
  card_id: string
  code: string
  source: 'reward' | 'stamps' | 'campaign' | 'automation'
  reward_id: string | null
  ledger_entry_id: string | null
  title: string
  description: string | null
  image: string | null
  valid_from: Iso
  valid_until: Iso | null
  /** Bit (weekday - 1) set for each ISO weekday (Mon = 1) it is valid on; null is every day. */
  weekdays: number | null
  /** Minutes after local midnight (merchant timezone) from which / until which it is valid. */
  minute_from: number | null
  minute_until: number | null
  max_uses: number
  uses: number
  /** Consumed by one UPDATE ... WHERE state = 'active' AND uses < max_uses. */
  state: 'active' | 'used' | 'void'
  last_redeemed_at: Iso | null
  created_at: Iso
}

export interface CouponRedemptionTable {
  id: string
  coupon_id: string
  merchant_id: string
  staff_id: string | null
  api_key_id: string | null
  created_at: Iso
  location_id: ColumnType<string | null, string | null | undefined, string | null>
}

export interface StampCardTable {
  id: string
  merchant_id: string
  stamps_required: number
  reward_title: string
  reward_terms: string
  reward_valid_days: number
  daily_limit: number
  cooldown_minutes: number
  active: number
  created_at: Iso
  updated_at: Iso
}

export interface StampTable {
  id: string
  card_id: string
  merchant_id: string
  staff_id: string | null
  /** The coupon these stamps were exchanged for; null while they still count on the card. */
  coupon_id: string | null
  created_at: Iso
  location_id: ColumnType<string | null, string | null | undefined, string | null>
}

/** One-time invitation of a staff member; only the SHA-256 of the token is kept. */
export interface StaffInviteTable {
  id: string
  merchant_id: string
  staff_id: string
  token_hash: string
  created_by: string
  created_at: Iso
  expires_at: Iso
  used_at: Iso | null
}

export interface PasskeyTable {
  id: string
  customer_id: string
  /** base64url credential id, as the browser reports it. */
  credential_id: string
  /** base64url COSE public key. */
  public_key: string
  counter: number
  /** JSON array of transports, or null. */
  transports: string | null
  name: string
  created_at: Iso
  last_used_at: Iso | null
}

export interface WebauthnChallengeTable {
  id: string
  challenge: string
  purpose: 'register' | 'authenticate'
  customer_id: string | null
  created_at: Iso
  expires_at: Iso
}

export interface SignInLinkTable {
  id: string
  token_hash: string
  customer_id: string
  created_at: Iso
  expires_at: Iso
  used_at: Iso | null
}

/** The merchant's processed logo; merchants.logo_url points at it with ?v=<version>. */
export interface MerchantLogoTable {
  merchant_id: string
  version: number
  content_type: string
  data: Uint8Array
  created_at: Iso
}

/* Web Push (migration 0005). */
export interface PushSubscriptionTable {
  id: string
  customer_id: string
  endpoint: string
  p256dh: string
  auth: string
  user_agent: string | null
  created_at: Iso
  last_success_at: Iso | null
}
export interface PushPreferenceTable {
  card_id: string
  offers: number
  birthday: number
  expiring: number
  tiers: number
  reminders: number
  /** Feedback questions and replies (0070); off unless the member turns it on. */
  feedback: ColumnType<number, number | undefined, number>
  updated_at: Iso
}
export interface PushSettingsTable {
  merchant_id: string
  quiet_start: string
  quiet_end: string
  daily_cap: number
  automations: string
  updated_at: Iso
}
export interface PushNotificationTable {
  id: string
  merchant_id: string
  card_id: string
  kind: string
  category: string | null
  marketing: number
  payload: string
  not_before: Iso
  local_day: string
  offer_id: string | null
  created_at: Iso
  clicked_at: Iso | null
}
export interface PushOutboxTable {
  id: string
  notification_id: string
  merchant_id: string
  subscription_id: string | null
  state: 'queued' | 'sending' | 'sent' | 'failed'
  not_before: Iso
  attempts: ColumnType<number, number | undefined, number>
  ttl: number
  urgency: 'very-low' | 'low' | 'normal' | 'high'
  topic: string
  claimed_at: Iso | null
  /** While `sending`: the claiming process's lease; past it, the row is failed by recovery (0011). */
  claimed_until: ColumnType<Iso | null, Iso | null | undefined, Iso | null>
  sent_at: Iso | null
  last_status: number | null
  last_error: string | null
  created_at: Iso
}
export interface PushAttemptTable {
  id: string
  outbox_id: string
  status: number
  error: string | null
  duration_ms: number
  created_at: Iso
}
export interface PushAutomationRunTable {
  card_id: string
  kind: string
  period: string
  notification_id: string | null
  created_at: Iso
}
export interface PushOfferTable {
  id: string
  merchant_id: string
  title: string
  body: string
  segment: string
  state: 'scheduled' | 'sending' | 'sent'
  send_at: Iso
  recipients: number | null
  created_by: string | null
  created_at: Iso
  sent_at: Iso | null
  /** Title and body in the merchant's other languages, JSON {locale: {title, body}} (0060); null: none. */
  translations: ColumnType<string | null, string | null | undefined, string | null>
}

export interface SignInRequestTable {
  id: string
  email_hash: string
  created_at: Iso
}

export interface ConsentEventTable {
  id: string
  customer_id: string
  card_id: string
  merchant_id: string
  granted: number
  /** The exact words the member saw when giving or withdrawing consent. */
  wording: string
  source: 'join' | 'settings' | 'account_deleted'
  created_at: Iso
}

/** A merchant's segment thresholds (0008); a missing row means the defaults in server/domain/insights.ts. */
export interface InsightSettingsTable {
  merchant_id: string
  new_days: number
  lapsed_days: number
  at_risk_multiplier: number
  at_risk_min_days: number
  default_gap_days: number
  high_value_percent: number
  regular_visits: number
  point_value_per_100_minor: number | null
  updated_at: Iso
}

/** Per card purchase days (0008), derived from the ledger up to insight_watermarks.through. */
export interface InsightMemberTable {
  card_id: string
  merchant_id: string
  /** Comma-separated local day numbers, ascending; counts and spends are aligned with them. */
  days: string
  counts: string
  spends: string
}
export interface InsightPointsDayTable {
  merchant_id: string
  day: string
  kind: string
  points: number
}
export interface InsightWatermarkTable {
  merchant_id: string
  through: Iso
  /** The timezone the day numbers were computed in; a change rebuilds the summaries. */
  timezone: string
}

/* Campaign lift and staff alerts (migration 0009). */
export interface CampaignTable {
  id: string
  merchant_id: string
  kind: 'offer' | 'automation'
  source: string
  name: string
  holdout_pct: number
  created_at: Iso
  updated_at: Iso
}
export interface CampaignMemberTable {
  campaign_id: string
  card_id: string
  grp: 'target' | 'holdout'
  assigned_at: Iso
  window_end: Iso
}
export interface MerchantOpeningHoursTable {
  merchant_id: string
  hours: string
  updated_at: Iso
}
export interface StaffAlertTable {
  id: string
  merchant_id: string
  rule: 'rate' | 'repeat_card' | 'off_hours' | 'offline_burst' | 'offline_off_hours' | 'offline_refused'
  alert_key: string
  staff_id: string | null
  card_id: string | null
  window_start: Iso
  window_end: Iso
  count: number
  threshold: number
  entry_ids: string
  state: 'open' | 'acknowledged' | 'dismissed'
  created_at: Iso
  updated_at: Iso
  resolved_at: Iso | null
  resolved_by: string | null
  /** The location of every entry of the alert, when they share one. */
  location_id: ColumnType<string | null, string | null | undefined, string | null>
}
export interface AlertScanTable {
  merchant_id: string
  scanned_until: Iso
}
export interface StaffPushSubscriptionTable {
  id: string
  staff_id: string
  merchant_id: string
  endpoint: string
  p256dh: string
  auth: string
  created_at: Iso
}
export interface CodeStepUseTable {
  card_id: string
  step: number
  used_at: Iso
}
export interface OfflineScanTable {
  id: string
  merchant_id: string
  staff_id: string | null
  card_id: string | null
  idempotency_key: string
  action: 'earn' | 'stamp'
  amount_minor: number | null
  captured_at: Iso
  synced_at: Iso
  outcome: 'accepted' | 'refused'
  reason: string | null
  entry_id: string | null
  /** Where the till stood (0071); null before that, or for a business without locations. */
  location_id: ColumnType<string | null, string | null | undefined, string | null>
}
export interface WelcomeClaimTable {
  merchant_id: string
  claim: string
  card_id: string
  created_at: Iso
}

/** One row per scheduled job and period it ran (0011): a period runs once across processes. */
export interface JobRunTable {
  job: string
  period: Iso
  state: 'running' | 'done'
  starts: number
  runner: string
  started_at: Iso
  finished_at: Iso | null
}

/** A fixed-window counter per rate-limit key (0011), shared by every process. */
export interface RateLimitTable {
  key: string
  window_start: Iso
  hits: number
}

/* Platform (0020-0022). */
export interface OperatorTable {
  staff_id: string
  created_at: Iso
}
export interface BusinessInviteTable {
  id: string
  token_hash: string
  note: string
  created_by: string | null
  created_at: Iso
  expires_at: Iso
  used_at: Iso | null
  merchant_id: string | null
}
export interface EmailVerificationTable {
  id: string
  merchant_id: string
  staff_id: string
  token_hash: string
  created_at: Iso
  expires_at: Iso
  used_at: Iso | null
}
export interface FirstRunStepTable {
  merchant_id: string
  step: string
  done_at: Iso
  skipped: ColumnType<number, number | undefined, number>
}
export interface PracticeCardTable {
  merchant_id: string
  card_number: string
  totp_secret: string
  last_code_step: number | null
  handle_hash: ColumnType<string | null, string | null | undefined, string | null>
  handle_expires_at: ColumnType<Iso | null, Iso | null | undefined, Iso | null>
  created_at: Iso
}
export interface LocationTable {
  id: string
  merchant_id: string
  name: string
  address: string
  timezone: string
  opening_hours: string | null
  created_at: Iso
  updated_at: Iso
  archived_at: Iso | null
  /** Where it is (0080), for a wallet pass's lock-screen relevance; null when not given. */
  latitude: ColumnType<number | null, number | null | undefined, number | null>
  longitude: ColumnType<number | null, number | null | undefined, number | null>
}
export interface StaffLocationTable {
  staff_id: string
  location_id: string
  merchant_id: string
  created_at: Iso
}
export interface PasswordResetTable {
  id: string
  staff_id: string
  token_hash: string
  created_at: Iso
  expires_at: Iso
  used_at: Iso | null
}
export interface LoginThrottleTable {
  key: string
  failures: number
  last_failure_at: Iso
  blocked_until: Iso | null
}

/** The feedback tables (0070) are declared in schema-feedback.ts, lots and card summaries (0040) in schema-summaries.ts, the webhook tables (0090) in schema-webhooks.ts, the wallet tables (0080) in schema-wallet.ts. */
export interface Database extends FeedbackDatabase, SummaryDatabase, WebhookDatabase, WalletDatabase {
  merchants: MerchantTable
  program_versions: ProgramVersionTable
  staff: StaffTable
  customers: CustomerTable
  cards: CardTable
  ledger_entries: LedgerEntryTable
  sessions: SessionTable
  idempotency_records: IdempotencyRecordTable
  signup_links: SignupLinkTable
  api_keys: ApiKeyTable
  scan_handles: ScanHandleTable
  card_tiers: CardTierTable
  tier_changes: TierChangeTable
  bonus_grants: BonusGrantTable
  rewards: RewardTable
  coupons: CouponTable
  coupon_redemptions: CouponRedemptionTable
  stamp_cards: StampCardTable
  stamps: StampTable
  staff_invites: StaffInviteTable
  merchant_logos: MerchantLogoTable
  push_subscriptions: PushSubscriptionTable
  push_preferences: PushPreferenceTable
  push_settings: PushSettingsTable
  push_notifications: PushNotificationTable
  push_outbox: PushOutboxTable
  push_attempts: PushAttemptTable
  push_automation_runs: PushAutomationRunTable
  push_offers: PushOfferTable
  passkeys: PasskeyTable
  webauthn_challenges: WebauthnChallengeTable
  sign_in_links: SignInLinkTable
  sign_in_requests: SignInRequestTable
  consent_events: ConsentEventTable
  insight_settings: InsightSettingsTable
  insight_members: InsightMemberTable
  insight_points_days: InsightPointsDayTable
  insight_watermarks: InsightWatermarkTable
  campaigns: CampaignTable
  campaign_members: CampaignMemberTable
  merchant_opening_hours: MerchantOpeningHoursTable
  staff_alerts: StaffAlertTable
  alert_scans: AlertScanTable
  staff_push_subscriptions: StaffPushSubscriptionTable
  code_step_uses: CodeStepUseTable
  offline_scans: OfflineScanTable
  welcome_claims: WelcomeClaimTable
  job_runs: JobRunTable
  rate_limits: RateLimitTable
  operators: OperatorTable
  business_invites: BusinessInviteTable
  email_verifications: EmailVerificationTable
  first_run_steps: FirstRunStepTable
  practice_cards: PracticeCardTable
  locations: LocationTable
  staff_locations: StaffLocationTable
  password_resets: PasswordResetTable
  login_throttles: LoginThrottleTable
}

export type Merchant = Selectable<MerchantTable>
export type ProgramVersion = Selectable<ProgramVersionTable>
export type Staff = Selectable<StaffTable>
export type Customer = Selectable<CustomerTable>
export type Card = Selectable<CardTable>
export type LedgerRow = Selectable<LedgerEntryTable>
export type NewLedgerRow = Insertable<LedgerEntryTable>
export type Session = Selectable<SessionTable>
export type ApiKey = Selectable<ApiKeyTable>
export type SignupLink = Selectable<SignupLinkTable>
export type Reward = Selectable<RewardTable>
export type Coupon = Selectable<CouponTable>
export type StampCard = Selectable<StampCardTable>
export type Passkey = Selectable<PasskeyTable>
export type Location = Selectable<LocationTable>
