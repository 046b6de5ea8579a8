import type { ColumnType, Insertable, Selectable } from 'kysely'

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
}

/** Append-only versions of the program; the newest with effective_from <= now applies. */
export interface ProgramVersionTable {
  id: string
  merchant_id: string
  version: number
  points_per_unit: number
  unit_minor: number
  rounding: 'floor' | 'round' | 'ceil'
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
  created_at: Iso
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
  created_at: Iso
  updated_at: Iso
}

export interface LedgerEntryTable {
  id: string
  card_id: string
  merchant_id: string
  kind: 'earn' | 'redeem' | 'expire' | 'adjust' | 'reversal' | 'bonus'
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
  idempotency_key: string | null
  created_at: Iso
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
  body: string
  created_at: Iso
}

export interface SignupLinkTable {
  id: string
  merchant_id: string
  code: string
  campaign: string
  created_at: Iso
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
}

export interface ScanHandleTable {
  id: string
  card_id: string
  merchant_id: string
  staff_id: string | null
  created_at: Iso
  expires_at: Iso
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
}

export interface Database {
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
  push_subscriptions: PushSubscriptionTable
  push_preferences: PushPreferenceTable
  push_settings: PushSettingsTable
  push_notifications: PushNotificationTable
  push_outbox: PushOutboxTable
  push_attempts: PushAttemptTable
  push_automation_runs: PushAutomationRunTable
  push_offers: PushOfferTable
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
