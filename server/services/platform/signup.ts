import type { BusinessSignup, SignupStatus, SlugCheck } from '../../contract/platform.js'
import { slugProblem } from '../../contract/slugs.js'
import { writeTx } from '../../db/connection.js'
import { merchantById, merchantBySlug } from '../../db/queries/merchants.js'
import { staffWithMerchant } from '../../db/queries/people.js'
import {
  businessInviteByHash,
  consumeEmailVerification,
  insertEmailVerification,
  setMerchantFields,
  useBusinessInvite,
} from '../../db/queries/platform.js'
import { DomainError } from '../../domain/errors.js'
import { newId, randomToken, sha256 } from '../../domain/ids.js'
import { sendMail } from '../../mail/mailer.js'
import type { Actor, Deps } from '../common/deps.js'
import { hitInTx } from '../common/rate-limits.js'
import { insertBusiness } from '../console/setup.js'
import { hashPassword } from '../console/passwords.js'

export const VERIFY_TTL_MS = 48 * 3600_000
const HOUR_MS = 3600_000
const RESENDS_PER_HOUR = 3

async function inviteState(deps: Deps, token: string | undefined): Promise<'valid' | 'invalid' | null> {
  if (!token) return null
  const row = await businessInviteByHash(deps.db, sha256(token))
  return row && !row.used_at && row.expires_at > deps.clock.now().toISOString() ? 'valid' : 'invalid'
}

export async function signupStatus(deps: Deps, invite: string | undefined): Promise<SignupStatus> {
  return { mode: deps.config.signup, invite: await inviteState(deps, invite) }
}

/** Whether a slug can be had: its shape, the reserved words, then whether a business has it. */
export async function checkSlug(deps: Deps, raw: string): Promise<SlugCheck> {
  const slug = raw.trim().toLowerCase()
  const problem = slugProblem(slug) ?? ((await merchantBySlug(deps.db, slug)) ? 'taken' : null)
  return { slug, available: problem === null, problem }
}

function refuseSlug(slug: string, problem: 'invalid' | 'reserved') {
  return problem === 'reserved'
    ? new DomainError('slug_reserved', `"${slug}" is reserved for the app itself. Choose another address.`, [
        { path: 'slug', message: 'reserved' },
      ])
    : new DomainError('slug_invalid', 'Use 3 to 40 lowercase letters, digits and single hyphens.', [
        { path: 'slug', message: 'invalid' },
      ])
}

const MAIL = {
  en: {
    subject: 'Confirm your email to open your loyalty program',
    text: (name: string, url: string) =>
      `Welcome to Loyalty Wallet! Open this link to confirm your email address for ${name}:\n\n${url}\n\nYour program can go live once it is confirmed. The link works once, for 48 hours.`,
  },
  pl: {
    subject: 'Potwierdź e-mail, aby uruchomić program lojalnościowy',
    text: (name: string, url: string) =>
      `Witamy w Loyalty Wallet! Otwórz ten link, aby potwierdzić adres e-mail dla ${name}:\n\n${url}\n\nProgram może ruszyć po potwierdzeniu. Link działa raz, przez 48 godzin.`,
  },
} as const
const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`)

function mailVerification(deps: Deps, to: string, businessName: string, token: string, locale: 'en' | 'pl') {
  const url = `${deps.config.publicUrl}/business/verify?token=${token}`
  const m = MAIL[locale]
  const text = m.text(businessName, url)
  void sendMail(deps.config, {
    to,
    subject: m.subject,
    text,
    html: `<p>${escapeHtml(text).replace(/\n/g, '<br>')}</p>`,
  }).catch((err: unknown) => console.error('[mail] sending a verification link failed:', err))
}

const newVerification = (merchantId: string, staffId: string, now: Date) => {
  const token = randomToken(32)
  return {
    token,
    row: {
      id: newId(),
      merchant_id: merchantId,
      staff_id: staffId,
      token_hash: sha256(token),
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + VERIFY_TTL_MS).toISOString(),
      used_at: null,
    },
  }
}

/**
 * A new business: refused with the reason when sign-up is closed, needs an invitation, the address
 * signed up too often, or the slug or email is not available. The business starts being set up (not
 * open to members) with its first location named after it; the owner is signed in and a verification
 * link goes to their address. An invitation is used up in the same transaction.
 */
export async function signUpBusiness(
  deps: Deps,
  req: BusinessSignup,
  address: string,
): Promise<{ ownerId: string; merchantId: string }> {
  const mode = deps.config.signup
  if (mode === 'closed') {
    throw new DomainError('signup_closed', 'This platform is not taking new businesses at the moment.')
  }
  if (mode === 'invite' && !req.invite) {
    throw new DomainError('signup_invite_required', 'Signing up here needs an invitation link from the operator.')
  }
  const problem = slugProblem(req.slug)
  if (problem) throw refuseSlug(req.slug, problem)
  const now = deps.clock.now()
  const at = now.toISOString()
  const passwordHash = await hashPassword(req.ownerPassword)
  const addressKey = sha256(`signup:${address}`)
  const made = await writeTx(deps.db, async (tx) => {
    if ((await hitInTx(tx, now, `signup:${addressKey}`, HOUR_MS)) > deps.config.signupsPerHour) {
      throw new DomainError(
        'rate_limited',
        'Too many businesses were signed up from this address. Try again in an hour.',
      )
    }
    const business = await insertBusiness(
      tx,
      {
        slug: req.slug,
        name: req.businessName,
        currency: req.currency,
        timezone: req.timezone,
        brandColor: '#4f46e5',
        kind: req.kind,
        country: req.country,
        live: false,
        location: { name: req.businessName },
        owner: { name: req.ownerName, email: req.ownerEmail, password: req.ownerPassword },
      },
      passwordHash,
      now,
    )
    if (mode === 'invite' && !(await useBusinessInvite(tx, sha256(req.invite!), business.merchantId, at))) {
      throw new DomainError(
        'signup_invite_invalid',
        'This invitation has expired or was already used. Ask the operator for a new one.',
      )
    }
    const v = newVerification(business.merchantId, business.ownerId, now)
    await insertEmailVerification(tx, v.row)
    return { ...business, token: v.token }
  })
  mailVerification(deps, req.ownerEmail, req.businessName, made.token, req.locale)
  return { ownerId: made.ownerId, merchantId: made.merchantId }
}

/** Opens the emailed link (once): the owner's address is proven and the business may go live. */
export async function verifyBusinessEmail(deps: Deps, token: string): Promise<{ businessName: string }> {
  const at = deps.clock.now().toISOString()
  const merchantId = await writeTx(deps.db, async (tx) => {
    const row = await consumeEmailVerification(tx, sha256(token), at)
    if (!row) {
      throw new DomainError(
        'verification_invalid',
        'This confirmation link has expired or was already used. Sign in and ask for a new one.',
      )
    }
    const m = await merchantById(tx, row.merchant_id)
    if (m && !m.email_verified_at) await setMerchantFields(tx, row.merchant_id, { email_verified_at: at })
    return row.merchant_id
  })
  return { businessName: (await merchantById(deps.db, merchantId))?.name ?? '' }
}

/** Another verification link to the owner's address (3 an hour); nothing when it is proven already. */
export async function resendVerification(deps: Deps, actor: Actor, locale: 'en' | 'pl'): Promise<{ sent: boolean }> {
  const now = deps.clock.now()
  const m = await merchantById(deps.db, actor.merchantId)
  const me = await staffWithMerchant(deps.db, actor.staffId!)
  if (!m || !me || m.email_verified_at) return { sent: false }
  const v = newVerification(m.id, me.id, now)
  await writeTx(deps.db, async (tx) => {
    if ((await hitInTx(tx, now, `verify-mail:${m.id}`, HOUR_MS)) > RESENDS_PER_HOUR) {
      throw new DomainError(
        'rate_limited',
        'We sent a few links already. Check your inbox (and spam), or try in an hour.',
      )
    }
    await insertEmailVerification(tx, v.row)
  })
  mailVerification(deps, me.email, m.name, v.token, locale)
  return { sent: true }
}
