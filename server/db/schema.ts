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
  /** Set when this wallet was merged into another (issue 7); the row then holds no personal data. */
  merged_into_id: ColumnType<string | null, string | null | undefined, string | null>
  /** Set when the member deleted their account; name, email and birthday are erased. */
  deleted_at: ColumnType<Iso | null, Iso | null | undefined, Iso | null>
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
  /** A closed card (merged into another, or of a deleted member) takes no more points. */
  closed_at: ColumnType<Iso | null, Iso | null | undefined, Iso | null>
  closed_into_card_id: ColumnType<string | null, string | null | undefined, string | null>
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
  passkeys: PasskeyTable
  webauthn_challenges: WebauthnChallengeTable
  sign_in_links: SignInLinkTable
  sign_in_requests: SignInRequestTable
  consent_events: ConsentEventTable
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
export type Passkey = Selectable<PasskeyTable>
