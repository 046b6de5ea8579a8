/**
 * The typed API client. A small fetch wrapper over the shared contract types: same-origin cookies,
 * JSON in and out, every failure thrown as ApiError (see errors.ts).
 */
import type { z } from 'zod'
import type { CardDetail, JoinRequest, JoinResponse, WalletCard } from '../../server/contract/card.js'
import type {
  CreatedApiKey,
  ApiKeySummary,
  MerchantPublic,
  SetupRequest,
  SetupStatus,
  SignupLink,
} from '../../server/contract/merchant.js'
import type { AwardResponse, LoginRequest, ScanResponse, StaffMe } from '../../server/contract/staff.js'
import type { Offer, OfferSegment, PushFigures, PushPreferences, PushSettingsDto } from '../../server/contract/push.js'
import { ApiError } from './errors.js'

export type { CardDetail, JoinRequest, JoinResponse, WalletCard, MerchantPublic, AwardResponse, ScanResponse, StaffMe }
export type { LedgerEntry } from '../../server/contract/card.js'
export type { CardSummary, Role } from '../../server/contract/staff.js'
export type { Offer, OfferSegment, PushFigures, PushPreferences, PushSettingsDto }
export type ApiKey = z.infer<typeof ApiKeySummary>
export type NewApiKey = z.infer<typeof CreatedApiKey>
export type SignupLinkDto = z.infer<typeof SignupLink>
export type SetupBody = z.input<typeof SetupRequest>
export type LoginBody = z.input<typeof LoginRequest>

const BASE = '/api'

interface RequestOptions {
  body?: unknown
  headers?: Record<string, string>
  signal?: AbortSignal
}

/** One API call; a Blob body (a logo upload) is sent as is, with its own type. */
export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers }
  const raw = typeof Blob !== 'undefined' && opts.body instanceof Blob
  if (opts.body !== undefined && !raw) headers['Content-Type'] = 'application/json'
  let res: Response
  try {
    res = await fetch(BASE + path, {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : raw ? (opts.body as Blob) : JSON.stringify(opts.body),
      signal: opts.signal,
    })
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    const offline = typeof navigator !== 'undefined' && navigator.onLine === false
    throw new ApiError(offline ? 'offline' : 'network_error', 'The server could not be reached.', 0)
  }
  if (res.status === 204) return undefined as T
  const text = await res.text()
  let data: unknown = undefined
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = undefined
    }
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error
    const code = typeof err?.code === 'string' ? err.code : res.status === 404 ? 'not_found' : 'internal_error'
    const message = typeof err?.message === 'string' ? err.message : res.statusText
    throw new ApiError(code, message, res.status, err?.details)
  }
  if (data === undefined) throw new ApiError('internal_error', 'The server sent an unreadable answer.', res.status)
  return data as T
}

const idem = (key: string) => ({ 'Idempotency-Key': key })
const seg = encodeURIComponent

export const api = {
  health: () => request<{ status: 'ok' }>('GET', '/health'),

  setupStatus: () => request<z.infer<typeof SetupStatus>>('GET', '/setup'),
  setup: (body: SetupBody) => request<StaffMe>('POST', '/setup', { body }),

  merchant: (slug: string) => request<MerchantPublic>('GET', `/merchants/${seg(slug)}`),
  join: (body: z.input<typeof JoinRequest>) => request<JoinResponse>('POST', '/join', { body }),
  myCards: (signal?: AbortSignal) => request<{ cards: WalletCard[] }>('GET', '/me/cards', { signal }),
  myCard: (id: string, signal?: AbortSignal) => request<CardDetail>('GET', `/me/cards/${seg(id)}`, { signal }),

  staffLogin: (body: LoginBody) => request<StaffMe>('POST', '/staff/login', { body }),
  staffLogout: () => request<void>('POST', '/staff/logout'),
  staffMe: () => request<StaffMe>('GET', '/staff/me'),
  scan: (code: string, locationId?: string) =>
    request<ScanResponse>('POST', '/staff/scan', { body: { code, locationId } }),
  earn: (body: { handle: string; amountMinor: number; discountMinor?: number }, key: string) =>
    request<AwardResponse>('POST', '/staff/earn', { body, headers: idem(key) }),
  adjust: (body: { handle: string; points: number; reason: string }, key: string) =>
    request<AwardResponse>('POST', '/staff/adjust', { body, headers: idem(key) }),
  undo: (body: { handle: string; entryId: string }, key: string) =>
    request<AwardResponse>('POST', '/staff/undo', { body, headers: idem(key) }),

  apiKeys: () => request<{ keys: ApiKey[] }>('GET', '/merchant/api-keys'),
  createApiKey: (name: string) => request<NewApiKey>('POST', '/merchant/api-keys', { body: { name } }),
  revokeApiKey: (id: string) => request<void>('DELETE', `/merchant/api-keys/${seg(id)}`),
  signupLinks: () => request<{ links: SignupLinkDto[] }>('GET', '/merchant/signup-links'),
  createSignupLink: (campaign: string, locationId: string | null = null) =>
    request<SignupLinkDto>('POST', '/merchant/signup-links', { body: { campaign, locationId } }),

  pushPublicKey: () => request<{ publicKey: string }>('GET', '/push/public-key'),
  pushSubscribe: (sub: PushSubscriptionJSON) =>
    request<{ id: string }>('POST', '/me/push/subscriptions', { body: sub }),
  pushUnsubscribe: (endpoint: string) => request<void>('POST', '/me/push/unsubscribe', { body: { endpoint } }),
  pushPreferences: (cardId: string) => request<PushPreferences>('GET', `/me/cards/${seg(cardId)}/push-preferences`),
  setPushPreferences: (cardId: string, body: PushPreferences) =>
    request<PushPreferences>('PUT', `/me/cards/${seg(cardId)}/push-preferences`, { body }),
  pushSettings: () => request<PushSettingsDto>('GET', '/merchant/push/settings'),
  savePushSettings: (body: PushSettingsDto) => request<PushSettingsDto>('PUT', '/merchant/push/settings', { body }),
  pushOffers: () => request<{ offers: Offer[] }>('GET', '/merchant/push/offers'),
  createPushOffer: (body: {
    title: string
    body: string
    segment: OfferSegment
    sendAt?: string | null
    holdoutPct?: number
  }) => request<Offer>('POST', '/merchant/push/offers', { body }),
  pushFigures: () => request<PushFigures>('GET', '/merchant/push/figures'),
}
