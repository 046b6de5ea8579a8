/**
 * The one error type the domain and services throw. app.onError turns it into
 * `{ error: { code, message, details } }` with the status below.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  code_invalid: 400,
  code_expired: 400,
  challenge_invalid: 400,
  passkey_failed: 400,
  link_invalid: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  passkey_unknown: 401,
  setup_token_invalid: 403,
  forbidden: 403,
  origin_mismatch: 403,
  not_found: 404,
  merchant_not_found: 404,
  card_not_found: 404,
  device_not_found: 404,
  passkey_not_found: 404,
  code_used: 409,
  idempotency_conflict: 409,
  already_reversed: 409,
  setup_done: 409,
  slug_taken: 409,
  email_taken: 409,
  birthday_locked: 409,
  last_owner: 409,
  invite_pending: 409,
  already_accepted: 409,
  handle_expired: 410,
  invite_invalid: 410,
  link_used: 409,
  link_expired: 410,
  card_closed: 410,
  payload_too_large: 413,
  unsupported_image: 415,
  undo_window_passed: 422,
  not_reversible: 422,
  insufficient_balance: 422,
  rate_limited: 429,
  // Rewards, coupons, stamp cards (4b)
  coupon_not_found: 404,
  coupon_already_used: 409,
  coupon_not_valid_now: 422,
  reward_out_of_stock: 409,
  reward_limit_reached: 409,
  stamps_not_enabled: 422,
  stamp_daily_limit: 422,
  stamp_cooldown: 422,
  // Feedback (issue 21)
  already_answered: 409,
  question_expired: 410,
  // A scan the till queued offline (issue 17)
  capture_in_future: 422,
  capture_too_old: 422,
  // Many businesses, locations, staff accounts (issue 16)
  slug_invalid: 400,
  slug_reserved: 422,
  signup_closed: 403,
  signup_invite_required: 403,
  signup_invite_invalid: 410,
  verification_invalid: 410,
  business_not_live: 409,
  business_suspended: 403,
  business_closed: 410,
  email_not_verified: 409,
  program_not_chosen: 409,
  export_required: 409,
  location_required: 400,
  location_not_found: 404,
  location_not_allowed: 403,
  login_throttled: 429,
  reset_invalid: 410,
  practice_card: 422,
  // Webhooks (issue 23)
  webhook_endpoint_disabled: 409,
  // Wallet passes (issue 22)
  wallet_unavailable: 503,
  award_only_code: 422,
} as const

export type ErrorCode = keyof typeof ERROR_STATUS

export class DomainError extends Error {
  readonly status: number
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'DomainError'
    this.status = ERROR_STATUS[code]
  }
}
