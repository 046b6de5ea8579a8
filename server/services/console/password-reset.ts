import { writeTx } from '../../db/connection.js'
import { deleteStaffSessions, setStaffPassword } from '../../db/queries/console.js'
import { staffByEmail, staffWithMerchant } from '../../db/queries/people.js'
import { closePasswordResetsOf, consumePasswordReset, insertPasswordReset } from '../../db/queries/staff-accounts.js'
import { DomainError } from '../../domain/errors.js'
import { newId, randomToken, sha256 } from '../../domain/ids.js'
import { sendMail } from '../../mail/mailer.js'
import type { Deps } from '../common/deps.js'
import { hitInTx } from '../common/rate-limits.js'
import { recordSuccess } from './login-throttle.js'
import { hashPassword } from './passwords.js'

export const RESET_TTL_MS = 30 * 60_000
const REQUESTS_WINDOW_MS = 15 * 60_000
const REQUESTS_PER_WINDOW = 3

const MAIL = {
  en: {
    subject: 'Reset your Loyalty Wallet staff password',
    text: (url: string) =>
      `Someone asked to reset the password of your staff account. Open this link to choose a new one:\n\n${url}\n\nThe link works once, for 30 minutes. If it was not you, ignore this message: your password stays as it is.`,
  },
  pl: {
    subject: 'Zmiana hasła do konta pracownika Loyalty Wallet',
    text: (url: string) =>
      `Ktoś poprosił o zmianę hasła do Twojego konta pracownika. Otwórz ten link, aby ustawić nowe hasło:\n\n${url}\n\nLink działa raz, przez 30 minut. Jeśli to nie Ty, zignoruj tę wiadomość: hasło się nie zmieni.`,
  },
} as const

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`)

/**
 * Mails a reset link when the address belongs to an active staff account. The answer is the same
 * either way, and the mail goes out after it; every request counts towards 3 per address per 15
 * minutes, known or not. Only the token's SHA-256 is stored.
 */
export async function requestPasswordReset(deps: Deps, email: string, locale: 'en' | 'pl'): Promise<void> {
  const now = deps.clock.now()
  const at = now.toISOString()
  const key = sha256(`reset:${email.trim().toLowerCase()}`)
  const token = await writeTx(deps.db, async (tx) => {
    if ((await hitInTx(tx, now, `password-reset:${key}`, REQUESTS_WINDOW_MS)) > REQUESTS_PER_WINDOW) {
      throw new DomainError('rate_limited', 'Too many reset links were asked for this address. Please wait 15 minutes.')
    }
    const staff = await staffByEmail(tx, email)
    if (!staff || staff.active !== 1) return null
    const t = randomToken(32)
    await insertPasswordReset(tx, {
      id: newId(),
      staff_id: staff.id,
      token_hash: sha256(t),
      created_at: at,
      expires_at: new Date(now.getTime() + RESET_TTL_MS).toISOString(),
      used_at: null,
    })
    return t
  })
  if (!token) return
  const url = `${deps.config.publicUrl}/staff/reset?token=${token}`
  const m = MAIL[locale]
  void sendMail(deps.config, {
    to: email,
    subject: m.subject,
    text: m.text(url),
    html: `<p>${escapeHtml(m.text(url)).replace(/\n/g, '<br>')}</p>`,
  }).catch((err: unknown) => console.error('[mail] sending a password reset link failed:', err))
}

/**
 * Sets the new password with a reset link, once: one conditional UPDATE uses the link, earlier links
 * stop working, and every session of the account ends (whoever knew the old password is signed out).
 * Returns the staff id, to sign this device in.
 */
export async function confirmPasswordReset(
  deps: Deps,
  token: string,
  password: string,
  address: string,
): Promise<string> {
  const hash = await hashPassword(password)
  const at = deps.clock.now().toISOString()
  const staff = await writeTx(deps.db, async (tx) => {
    const row = await consumePasswordReset(tx, sha256(token), at)
    if (!row) {
      throw new DomainError(
        'reset_invalid',
        'This reset link has expired or was already used (links work once, for 30 minutes). Ask for a new one.',
      )
    }
    await setStaffPassword(tx, row.staff_id, hash)
    await closePasswordResetsOf(tx, row.staff_id, at)
    await deleteStaffSessions(tx, row.staff_id)
    return row.staff_id
  })
  // Proven by the mailbox: this account's own throttle from this address is lifted.
  const email = (await staffWithMerchant(deps.db, staff))?.email
  if (email) await recordSuccess(deps, { email, address })
  return staff
}
