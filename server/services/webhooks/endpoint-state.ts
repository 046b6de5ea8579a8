import { writeTx } from '../../db/connection.js'
import { disableEndpoint, endpointHealth } from '../../db/queries/webhook-outbox.js'
import { failQueuedOf, ownerEmails } from '../../db/queries/webhooks.js'
import { sendMail } from '../../mail/mailer.js'
import type { Deps } from '../common/deps.js'
import type { AddressPolicy } from './address-guard.js'

/** Where this installation lets endpoints point (config: development, WEBHOOKS_ALLOW_LOCALHOST). */
export const policyOf = (deps: Deps): AddressPolicy => ({
  anyAddress: deps.config.webhooks.anyAddress,
  loopback: deps.config.webhooks.allowLocalhost,
})

const REASON_TEXT = {
  gone: 'it answered 410 Gone, which means it wants no more deliveries',
  failing: 'no delivery to it has succeeded for five days',
} as const

/**
 * Disables an endpoint (a 410, or failing for days): its queued deliveries fail, and the owners are
 * told by mail once, by the call that disabled it. True when this call disabled it.
 */
export async function disableAndNotify(
  deps: Deps,
  merchantId: string,
  endpointId: string,
  reason: 'gone' | 'failing',
  detail: string,
): Promise<boolean> {
  const now = deps.clock.now().toISOString()
  const changed = await writeTx(deps.db, async (tx) => {
    const done = await disableEndpoint(tx, endpointId, reason, detail, now)
    if (done) await failQueuedOf(tx, endpointId, `endpoint disabled: ${reason}`)
    return done
  })
  if (!changed) return false
  const url = (await endpointHealth(deps.db, endpointId))?.url ?? ''
  const link = `${deps.config.publicUrl}/merchant/webhooks`
  for (const to of await ownerEmails(deps.db, merchantId)) {
    const text = `Your webhook endpoint ${url} was disabled: ${REASON_TEXT[reason]}.\n\n${detail}\n\nFix the receiver, then enable it again in the console: ${link}\nEvents from now on are kept for it only once it is enabled; you can resend past deliveries there.`
    await sendMail(deps.config, {
      to,
      subject: 'A webhook endpoint was disabled',
      text,
      html: `<p>${escapeHtml(text).replace(/\n/g, '<br>')}</p>`,
    }).catch((err: unknown) => console.warn(`webhooks: could not mail ${to} about a disabled endpoint:`, err))
  }
  return true
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!)
