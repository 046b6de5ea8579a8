/**
 * The typed API client: `hc<AppType>` (hono/client) over the server's routes, so a wrong path, parameter,
 * body or header fails `npm run typecheck`, and each answer's type is the one the route returns.
 * `call()` turns every failure into an ApiError (see errors.ts). Only the server's types are imported:
 * no server code reaches the bundle.
 */
import { hc, type ClientResponse, type InferRequestType } from 'hono/client'
import type { SuccessStatusCode } from 'hono/utils/http-status'
import type { AppType } from '../../server/app.js'
import type { z } from 'zod'
import type { CreatedApiKey, ApiKeySummary, SignupLink } from '../../server/contract/merchant.js'
import { ApiError } from './errors.js'

export type { HistoryPage, JoinRequest, LedgerEntry, WalletCard } from '../../server/contract/card.js'
export type { MerchantPublic } from '../../server/contract/merchant.js'
export type {
  AwardResponse,
  CardSummary,
  EarnPreview,
  QueuedScanRequest,
  QueuedScanResponse,
  Role,
  ScanResponse,
  StaffMe,
} from '../../server/contract/staff.js'
export type { Offer, OfferSegment, PushFigures, PushPreferences, PushSettingsDto } from '../../server/contract/push.js'
export type ApiKey = z.infer<typeof ApiKeySummary>
export type NewApiKey = z.infer<typeof CreatedApiKey>
export type SignupLinkDto = z.infer<typeof SignupLink>
export type SetupBody = JsonOf<typeof rpc.setup.$post>
export type LoginBody = JsonOf<typeof rpc.staff.login.$post>

/** The API's routes (everything under /api); same-origin cookies, JSON answers. */
export const rpc = hc<AppType>('/', {
  headers: { Accept: 'application/json' },
  init: { credentials: 'same-origin' },
}).api

/** What a route's success statuses answer (nothing for 204). */
type Answer<R> =
  R extends ClientResponse<infer T, infer S, infer _F>
    ? S extends SuccessStatusCode
      ? S extends 204
        ? void
        : T
      : never
    : never

/** The JSON body a route takes. */
export type JsonOf<F> = InferRequestType<F> extends { json: infer J } ? J : never

/**
 * Sends one hc request and reads its answer: the body of a success status, or an ApiError
 * with the server's error code (network failures are `network_error` or `offline`).
 */
export async function call<R extends ClientResponse<unknown, number, string>>(sent: Promise<R>): Promise<Answer<R>> {
  let res: Response
  try {
    res = (await sent) as unknown as Response
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    const offline = typeof navigator !== 'undefined' && navigator.onLine === false
    throw new ApiError(offline ? 'offline' : 'network_error', 'The server could not be reached.', 0)
  }
  if (res.status === 204) return undefined as Answer<R>
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
  return data as Answer<R>
}

/** The Idempotency-Key header of a retryable write (one key per user action). */
export const idem = (key: string) => ({ 'idempotency-key': key })
/** A path parameter: hc puts it in the path as is. */
export const seg = encodeURIComponent
/** hc's per-call options for an abortable call. */
export const signal = (s?: AbortSignal) => (s ? { init: { signal: s } } : undefined)

export const api = {
  health: () => call(rpc.health.$get()),

  setupStatus: () => call(rpc.setup.$get()),
  setup: (body: SetupBody) => call(rpc.setup.$post({ json: body })),

  merchant: (slug: string) => call(rpc.merchants[':slug'].$get({ param: { slug: seg(slug) } })),
  join: (body: JsonOf<typeof rpc.join.$post>) => call(rpc.join.$post({ json: body })),
  myCards: (s?: AbortSignal) => call(rpc.me.cards.$get(undefined, signal(s))),
  myCard: (id: string, s?: AbortSignal) => call(rpc.me.cards[':id'].$get({ param: { id: seg(id) } }, signal(s))),
  cardHistory: (id: string, before: number) =>
    call(rpc.me.cards[':id'].history.$get({ param: { id: seg(id) }, query: { before: String(before) } })),

  staffLogin: (body: LoginBody) => call(rpc.staff.login.$post({ json: body })),
  staffLogout: () => call(rpc.staff.logout.$post()),
  staffMe: () => call(rpc.staff.me.$get()),
  scan: (code: string, locationId?: string) => call(rpc.staff.scan.$post({ json: { code, locationId } })),
  earn: (body: JsonOf<typeof rpc.staff.earn.$post>, key: string) =>
    call(rpc.staff.earn.$post({ json: body, header: idem(key) })),
  earnPreview: (body: JsonOf<typeof rpc.staff.earn.preview.$post>, s?: AbortSignal) =>
    call(rpc.staff.earn.preview.$post({ json: body }, signal(s))),
  queuedScan: (body: JsonOf<(typeof rpc.staff)['queued-scans']['$post']>, key: string) =>
    call(rpc.staff['queued-scans'].$post({ json: body, header: idem(key) })),
  adjust: (body: JsonOf<typeof rpc.staff.adjust.$post>, key: string) =>
    call(rpc.staff.adjust.$post({ json: body, header: idem(key) })),
  undo: (body: JsonOf<typeof rpc.staff.undo.$post>, key: string) =>
    call(rpc.staff.undo.$post({ json: body, header: idem(key) })),

  apiKeys: () => call(rpc.merchant['api-keys'].$get()),
  createApiKey: (name: string, locationId: string | null = null) =>
    call(rpc.merchant['api-keys'].$post({ json: { name, locationId } })),
  revokeApiKey: (id: string) => call(rpc.merchant['api-keys'][':id'].$delete({ param: { id: seg(id) } })),
  signupLinks: () => call(rpc.merchant['signup-links'].$get()),
  createSignupLink: (campaign: string, locationId: string | null = null) =>
    call(rpc.merchant['signup-links'].$post({ json: { campaign, locationId } })),

  pushPublicKey: () => call(rpc.push['public-key'].$get()),
  pushSubscribe: (sub: PushSubscriptionJSON) =>
    call(rpc.me.push.subscriptions.$post({ json: sub as JsonOf<typeof rpc.me.push.subscriptions.$post> })),
  pushUnsubscribe: (endpoint: string) => call(rpc.me.push.unsubscribe.$post({ json: { endpoint } })),
  pushPreferences: (cardId: string) =>
    call(rpc.me.cards[':id']['push-preferences'].$get({ param: { id: seg(cardId) } })),
  setPushPreferences: (cardId: string, body: JsonOf<(typeof rpc.me.cards)[':id']['push-preferences']['$put']>) =>
    call(rpc.me.cards[':id']['push-preferences'].$put({ param: { id: seg(cardId) }, json: body })),
  pushSettings: () => call(rpc.merchant.push.settings.$get()),
  savePushSettings: (body: JsonOf<typeof rpc.merchant.push.settings.$put>) =>
    call(rpc.merchant.push.settings.$put({ json: body })),
  pushOffers: () => call(rpc.merchant.push.offers.$get()),
  createPushOffer: (body: JsonOf<typeof rpc.merchant.push.offers.$post>) =>
    call(rpc.merchant.push.offers.$post({ json: body })),
  pushFigures: () => call(rpc.merchant.push.figures.$get()),
}

/**
 * A business's public page asked for ahead of the view that shows it (the join route starts it while
 * the view's code loads). The view takes it once, if it is fresh; a retry asks again.
 */
const merchantAhead = new Map<string, { at: number; answer: ReturnType<typeof api.merchant> }>()
export function prefetchMerchant(slug: string): void {
  const answer = api.merchant(slug)
  answer.catch(() => undefined)
  merchantAhead.set(slug, { at: Date.now(), answer })
}
export function merchantOnce(slug: string): ReturnType<typeof api.merchant> {
  const ahead = merchantAhead.get(slug)
  merchantAhead.delete(slug)
  return ahead && Date.now() - ahead.at < 10_000 ? ahead.answer : api.merchant(slug)
}
