/** API errors as the client sees them: a code (translated via `errors.<code>`), the HTTP status and details. */

export const ERROR_CODES = [
  'validation_failed',
  'not_found',
  'merchant_not_found',
  'card_not_found',
  'unauthenticated',
  'forbidden',
  'origin_mismatch',
  'rate_limited',
  'payload_too_large',
  'invalid_credentials',
  'code_invalid',
  'code_used',
  'code_expired',
  'handle_expired',
  'idempotency_conflict',
  'undo_window_passed',
  'already_reversed',
  'not_reversible',
  'insufficient_balance',
  'setup_done',
  'setup_token_invalid',
  'slug_taken',
  'email_taken',
  'unsupported_image',
  'last_owner',
  'invite_pending',
  'already_accepted',
  'invite_invalid',
  'already_answered',
  'question_expired',
  'capture_in_future',
  'capture_too_old',
  'card_closed',
  'internal_error',
  // Many businesses, locations, staff accounts.
  'slug_invalid',
  'slug_reserved',
  'signup_closed',
  'signup_invite_required',
  'signup_invite_invalid',
  'verification_invalid',
  'business_not_live',
  'business_suspended',
  'business_closed',
  'email_not_verified',
  'program_not_chosen',
  'export_required',
  'location_required',
  'location_not_found',
  'location_not_allowed',
  'login_throttled',
  'reset_invalid',
  'practice_card',
  'webhook_endpoint_disabled',
  // Client-only:
  'network_error',
  'offline',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'ApiError'
  }

  /** Worth retrying with the same idempotency key: the request may not have reached the server. */
  get retryable(): boolean {
    return this.code === 'network_error' || this.code === 'offline' || this.status >= 500
  }
}

export function isApiError(e: unknown, code?: ErrorCode): e is ApiError {
  return e instanceof ApiError && (code === undefined || e.code === code)
}

/** A known error code for any thrown value; unknown codes and non-API errors become internal_error. */
export function errorCode(e: unknown): ErrorCode {
  if (e instanceof ApiError && (ERROR_CODES as readonly string[]).includes(e.code)) return e.code as ErrorCode
  return 'internal_error'
}

/** The i18n key of the message for a thrown value. */
export function errorKey(e: unknown): `errors.${ErrorCode}` {
  return `errors.${errorCode(e)}`
}

/** validation_failed details as { "email": "...", "slug": "..." } (first issue per field). */
export function fieldIssues(e: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (!(e instanceof ApiError) || e.code !== 'validation_failed' || !Array.isArray(e.details)) return out
  for (const issue of e.details as unknown[]) {
    if (!issue || typeof issue !== 'object') continue
    const { path, message } = issue as { path?: unknown; message?: unknown }
    const key = Array.isArray(path) ? path.join('.') : typeof path === 'string' ? path : ''
    if (key && !(key in out)) out[key] = typeof message === 'string' ? message : ''
  }
  return out
}
