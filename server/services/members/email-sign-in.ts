import type { EmailLinkRequest } from '../../contract/account.js'
import { writeTx } from '../../db/connection.js'
import {
  consumeSignInLink,
  verifyEmailOwnership,
  customerByEmail,
  dropCustomerAccess,
  otherCustomersWithEmail,
  insertSignInLink,
  insertSignInRequest,
  signInLinkByTokenHash,
  signInRequestsSince,
} from '../../db/queries/account.js'
import { isLocale } from '../../contract/locales.js'
import { DomainError } from '../../domain/errors.js'
import { fill, messagesFor } from '../../domain/i18n/index.js'
import { newId, randomToken, sha256 } from '../../domain/ids.js'
import { sendMail } from '../../mail/mailer.js'
import type { Deps } from '../common/deps.js'
import { customerById } from '../../db/queries/people.js'
import { rotateCardSecrets } from './card-secrets.js'
import { mergeWallets } from './merge-wallets.js'

export const LINK_TTL_MS = 15 * 60 * 1000
export const LINK_REQUEST_WINDOW_MS = 10 * 60 * 1000
export const LINK_REQUESTS_PER_WINDOW = 5
/** 16 bytes = 128 bits of randomness. */
const TOKEN_BYTES = 16

/** The rate limit and the lookup key of an email never store the address itself. */
export const emailHash = (email: string) => sha256(`email:${email.trim().toLowerCase()}`)

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`)

/**
 * Asks for a sign-in link. The answer is the same whether the email belongs to a member or not,
 * and mail goes out after the answer, so neither the body nor the timing tells them apart.
 * Every request counts towards the limit of 5 per address per 10 minutes, known or not.
 */
export async function requestEmailLink(deps: Deps, req: EmailLinkRequest): Promise<void> {
  const now = deps.clock.now()
  const hash = emailHash(req.email)
  const link = await writeTx(deps.db, async (tx) => {
    const since = new Date(now.getTime() - LINK_REQUEST_WINDOW_MS).toISOString()
    if ((await signInRequestsSince(tx, hash, since)) >= LINK_REQUESTS_PER_WINDOW) {
      throw new DomainError(
        'rate_limited',
        'Too many sign-in links were asked for this address. Please wait 10 minutes.',
      )
    }
    await insertSignInRequest(tx, { id: newId(), email_hash: hash, created_at: now.toISOString() })
    const customer = await customerByEmail(tx, req.email)
    if (!customer) return null
    // The member's own language (remembered at join, changed in Settings), else the asking screen's.
    const locale = isLocale(customer.locale) ? customer.locale : req.locale
    const token = randomToken(TOKEN_BYTES)
    await insertSignInLink(tx, {
      id: newId(),
      token_hash: sha256(token),
      customer_id: customer.id,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + LINK_TTL_MS).toISOString(),
      used_at: null,
    })
    return { token, locale }
  })
  if (!link) return
  const url = `${deps.config.publicUrl}/signin/email?token=${link.token}`
  const m = messagesFor(link.locale).signInEmail
  const text = fill(m.text, { url }, link.locale)
  void sendMail(deps.config, {
    to: req.email,
    subject: m.subject,
    text,
    html: `<html lang="${link.locale}"><body><p>${escapeHtml(text).replace(/\n/g, '<br>')}</p><p><a href="${escapeHtml(url)}">${escapeHtml(m.button)}</a></p></body></html>`,
  }).catch((err: unknown) => console.error('[mail] sending a sign-in link failed:', err))
}

/**
 * Consumes a link (once, atomically) and returns whose it is; says why when it cannot. Opening it
 * proves the address, so every other wallet with that address joins this one (a member who joined
 * two shops from two devices gets one wallet): their cards move here (a shop on both sides is merged
 * by transfer), and whoever held those wallets without the mailbox is signed out of them first.
 */
export async function consumeEmailLink(deps: Deps, token: string): Promise<string> {
  const at = deps.clock.now()
  const now = at.toISOString()
  const hash = sha256(token)
  return writeTx(deps.db, async (tx) => {
    if (await consumeSignInLink(tx, hash, now)) {
      const customerId = (await signInLinkByTokenHash(tx, hash))!.customer_id
      await verifyEmailOwnership(tx, customerId, now)
      const email = (await customerById(tx, customerId))?.email
      for (const other of email ? await otherCustomersWithEmail(tx, email, customerId) : []) {
        if (!other.email_verified_at) await dropCustomerAccess(tx, other.id)
        await mergeWallets(tx, other.id, customerId, at)
      }
      // A new device now holds the wallet (with the cards just merged into it): codes drawn by an old
      // one (perhaps lost) stop opening the cards.
      await rotateCardSecrets(tx, customerId, deps.clock.now())
      return customerId
    }
    const row = await signInLinkByTokenHash(tx, hash)
    if (!row) throw new DomainError('link_invalid', 'This sign-in link is not valid. Ask for a new one.')
    if (row.used_at) throw new DomainError('link_used', 'This sign-in link was already used. Ask for a new one.')
    throw new DomainError(
      'link_expired',
      'This sign-in link has expired (links work for 15 minutes). Ask for a new one.',
    )
  })
}
