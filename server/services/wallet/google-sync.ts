import { merchantById } from '../../db/queries/merchants.js'
import { passById } from '../../db/queries/wallet.js'
import type { Deps } from '../common/deps.js'
import type { GoogleCredentials } from './credentials.js'
import { upsertLoyaltyClass, upsertLoyaltyObject } from './google-api.js'
import { loyaltyClass, loyaltyObject } from './google-objects.js'
import { passContent } from './pass-content.js'
import { passLanguage } from './pass-text.js'

/** Where Google fetches the business's logo (PNG, which Google takes; routes/wallet-google.ts). */
export const googleLogoUrl = (publicUrl: string, merchantId: string) =>
  `${publicUrl}/api/wallet/google/logos/${merchantId}.png`

/** The business's loyalty class, created or brought up to date (name, colour, logo, default language). */
export async function syncGoogleClass(deps: Deps, creds: GoogleCredentials, merchantId: string): Promise<void> {
  const m = await merchantById(deps.db, merchantId)
  if (!m) return
  await upsertLoyaltyClass(
    creds,
    loyaltyClass(
      creds,
      {
        id: m.id,
        slug: m.slug,
        name: m.name,
        brandColor: m.brand_color,
        accentColor: m.accent_color,
        language: passLanguage(m.default_locale),
      },
      googleLogoUrl(deps.config.publicUrl, m.id),
    ),
  )
}

/**
 * The card's loyalty object as the card is now (balance, tier, brand, the rotating code's key),
 * after its class (`ensureClass`). False when the pass or card is gone.
 */
export async function syncGoogleObject(
  deps: Deps,
  creds: GoogleCredentials,
  passId: string,
  ensureClass: (merchantId: string) => Promise<void>,
): Promise<boolean> {
  const pass = await passById(deps.db, passId)
  if (!pass?.google_object_id) return false
  const content = await passContent(deps.db, pass.card_id, deps.clock.now())
  if (!content) return false
  await ensureClass(content.merchant.id)
  await upsertLoyaltyObject(creds, loyaltyObject(creds, content, pass.google_object_id))
  return true
}
