import type { ColumnType } from 'kysely'

/* Wallet passes: Apple Wallet and Google Wallet (migration 0080); part of Database in schema.ts. */
type Iso = string

export interface WalletPassTable {
  id: string
  card_id: string
  merchant_id: string
  kind: 'apple' | 'google'
  /** sha256 of the token Apple's devices send to the web service (Apple only). */
  auth_token_hash: string | null
  /** The static member code the Apple pass's barcode carries (finds the card, awards only). */
  member_code: string | null
  google_object_id: string | null
  created_at: Iso
  /** When what the pass shows last changed (balance, tier, brand). */
  updated_at: Iso
  /** The last update's outcome: 'sent', 'retrying', 'failed'; null before the first. */
  last_status: string | null
  last_error: string | null
  last_sent_at: Iso | null
}

export interface WalletRegistrationTable {
  id: string
  pass_id: string
  card_id: string
  device_library_id: string
  push_token: string
  created_at: Iso
}

export interface WalletOutboxTable {
  id: string
  kind: 'apns' | 'google'
  pass_id: string
  card_id: string
  registration_id: string | null
  state: 'queued' | 'sending' | 'sent' | 'failed'
  not_before: Iso
  attempts: ColumnType<number, number | undefined, number>
  claimed_at: Iso | null
  claimed_until: Iso | null
  sent_at: Iso | null
  last_status: number | null
  last_error: string | null
  created_at: Iso
}

export interface WalletDatabase {
  wallet_passes: WalletPassTable
  wallet_registrations: WalletRegistrationTable
  wallet_outbox: WalletOutboxTable
}
