import type { InboxItem, InboxPage, InboxQuery } from '../../contract/feedback.js'
import { writeTx } from '../../db/connection.js'
import { staffMemberOf, staffOfMerchant } from '../../db/queries/console.js'
import {
  answersOfResponses,
  inboxRows,
  insertReply,
  locationNames,
  repliesOfResponses,
  responseOf,
  type InboxFilter,
  type InboxRow,
} from '../../db/queries/feedback-console.js'
import { merchantById } from '../../db/queries/merchants.js'
import { DomainError } from '../../domain/errors.js'
import { inboxAccess, type InboxAccess } from '../../domain/feedback.js'
import { newId } from '../../domain/ids.js'
import { zonedToUtc } from '../../domain/time.js'
import type { Actor, Deps } from '../common/deps.js'
import { segmentCardIds } from '../insights/dashboard.js'
import { exportRange } from '../insights/exports.js'
import { queueNotification } from '../push/queue.js'
import { loadFeedbackSettings } from './settings.js'

/*
 * The inbox: ratings and survey answers, newest first, filtered; replies to members. Owners and
 * managers read and reply to everything; a cashier reads the ratings of visits they served, and only
 * when the owner allowed it (with or without the member's name).
 */

/** What this reader may see, or 403 (a cashier the owner has not allowed). */
export async function readerAccess(deps: Deps, actor: Actor): Promise<InboxAccess> {
  const settings = await loadFeedbackSettings(deps.db, actor.merchantId)
  const access = inboxAccess(actor.role, actor.staffId, settings.cashierAccess)
  if (!access) throw new DomainError('forbidden', 'The owner has not shared feedback with cashiers.')
  return access
}

export async function feedbackOptions(deps: Deps, actor: Actor) {
  const access = await readerAccess(deps, actor)
  const staff = (await staffOfMerchant(deps.db, actor.merchantId))
    .filter((s) => !access.staffId || s.id === access.staffId)
    .map((s) => ({ id: s.id, name: s.name }))
  const locations = await locationNames(deps.db, actor.merchantId)
  return { staff, locations, canReply: access.canReply, full: access.surveys }
}

const encodeCursor = (r: { created_at: string; id: string }) => `${r.created_at}|${r.id}`
function decodeCursor(c: string | undefined) {
  if (!c) return undefined
  const [at, id] = c.split('|')
  if (!at || !id || Number.isNaN(Date.parse(at)))
    throw new DomainError('validation_failed', 'cursor: not one this inbox gave', [
      { path: 'cursor', message: 'unknown' },
    ])
  return { at, id }
}

/** The UTC bounds of local dates (either may be missing). */
function rangeOf(from: string | undefined, to: string | undefined, tz: string) {
  if (from && to) return exportRange(from, to, tz, null)
  const at = (d: string, plusDays: number) => {
    const [y, m, day] = d.split('-').map(Number) as [number, number, number]
    return zonedToUtc(tz, y, m, day + plusDays).toISOString()
  }
  return { start: from ? at(from, 0) : undefined, end: to ? at(to, 1) : undefined }
}

const SCAN = 200

export async function inbox(deps: Deps, actor: Actor, q: InboxQuery): Promise<InboxPage> {
  const access = await readerAccess(deps, actor)
  const merchant = (await merchantById(deps.db, actor.merchantId))!
  const { start, end } = rangeOf(q.from, q.to, merchant.timezone)
  const filter: InboxFilter = {
    start,
    end,
    kind: access.surveys ? q.kind : 'visit',
    locationId: q.locationId,
    staffId: access.staffId ?? q.staffId,
    score: q.score,
    comment: q.comment,
    after: decodeCursor(q.cursor),
  }
  const inSegment = q.segment ? await segmentCardIds(deps, actor.merchantId, q.segment) : null
  // With a segment, pages of responses are read and filtered here until the page is full.
  const picked: InboxRow[] = []
  for (;;) {
    const batch = inSegment ? SCAN : q.limit + 1
    const rows = await inboxRows(deps.db, actor.merchantId, filter, batch)
    for (const r of rows) if (!inSegment || (r.card_id && inSegment.has(r.card_id))) picked.push(r)
    if (picked.length > q.limit || rows.length < batch) break
    filter.after = { at: rows[rows.length - 1]!.created_at, id: rows[rows.length - 1]!.id }
  }
  const page = picked.slice(0, q.limit)
  const ids = page.map((r) => r.id)
  const [answers, replies] = await Promise.all([answersOfResponses(deps.db, ids), repliesOfResponses(deps.db, ids)])
  return {
    items: page.map((r) => toItem(r, access, answers, replies)),
    next: picked.length > q.limit ? encodeCursor(page[page.length - 1]!) : null,
    canReply: access.canReply,
  }
}

function answerText(a: Awaited<ReturnType<typeof answersOfResponses>>[number]): string {
  if (a.kind === 'rating') return `${a.score} / 5`
  if (a.kind === 'recommend') return `${a.score} / 10`
  if (a.kind === 'text') return a.text ?? ''
  const options = a.options ? (JSON.parse(a.options) as string[]) : []
  return ((a.choices ? JSON.parse(a.choices) : []) as number[]).map((i) => options[i] ?? '?').join(', ')
}

function toItem(
  r: InboxRow,
  access: InboxAccess,
  answers: Awaited<ReturnType<typeof answersOfResponses>>,
  replies: Awaited<ReturnType<typeof repliesOfResponses>>,
): InboxItem {
  return {
    id: r.id,
    kind: r.kind,
    createdAt: r.created_at,
    rating: r.rating,
    comment: r.comment,
    member: access.names && r.card_id ? { cardId: r.card_id, name: r.member_name ?? '' } : null,
    staff: r.staff_id ? { id: r.staff_id, name: r.staff_name ?? '' } : null,
    locationId: r.location_id,
    visitAt: r.visit_at,
    survey: r.survey_id ? { id: r.survey_id, title: r.survey_title ?? '' } : null,
    answers: answers.filter((a) => a.response_id === r.id).map((a) => ({ prompt: a.prompt, value: answerText(a) })),
    incentivised: r.incentivised === 1,
    replies: replies
      .filter((p) => p.response_id === r.id)
      .map((p) => ({ id: p.id, body: p.body, createdAt: p.created_at, staffName: p.staff_name ?? '' })),
  }
}

/** An owner or manager answers a member; the reply shows on the card, and by push if the member allows it. */
export async function replyTo(deps: Deps, actor: Actor, responseId: string, body: string) {
  const access = await readerAccess(deps, actor)
  if (!access.canReply) throw new DomainError('forbidden', 'Only an owner or a manager can reply.')
  const r = await responseOf(deps.db, actor.merchantId, responseId)
  if (!r) throw new DomainError('not_found', 'No such feedback.')
  if (!r.card_id) throw new DomainError('card_closed', 'The member deleted their account: there is no one to reply to.')
  const cardId = r.card_id
  const now = deps.clock.now()
  const merchant = (await merchantById(deps.db, actor.merchantId))!
  const id = newId()
  await writeTx(deps.db, async (tx) => {
    await insertReply(tx, {
      id,
      merchant_id: actor.merchantId,
      response_id: r.id,
      card_id: cardId,
      staff_id: actor.staffId,
      body,
      created_at: now.toISOString(),
      seen_at: null,
    })
    await queueNotification(
      tx,
      {
        cardId,
        kind: 'feedback_reply',
        title: merchant.name,
        body: body.length > 160 ? `${body.slice(0, 159)}…` : body,
        url: `/cards/${cardId}`,
      },
      now,
    )
  })
  const me = actor.staffId ? await staffMemberOf(deps.db, actor.merchantId, actor.staffId) : undefined
  return { id, body, createdAt: now.toISOString(), staffName: me?.name ?? '' }
}
