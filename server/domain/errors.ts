/**
 * The one error type the domain and services throw. app.onError turns it into
 * `{ error: { code, message, details } }` with the status below.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  code_invalid: 400,
  code_expired: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  setup_token_invalid: 403,
  forbidden: 403,
  origin_mismatch: 403,
  not_found: 404,
  merchant_not_found: 404,
  card_not_found: 404,
  code_used: 409,
  idempotency_conflict: 409,
  already_reversed: 409,
  setup_done: 409,
  slug_taken: 409,
  email_taken: 409,
  last_owner: 409,
  invite_pending: 409,
  already_accepted: 409,
  handle_expired: 410,
  invite_invalid: 410,
  payload_too_large: 413,
  unsupported_image: 415,
  undo_window_passed: 422,
  not_reversible: 422,
  insufficient_balance: 422,
  rate_limited: 429,
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
