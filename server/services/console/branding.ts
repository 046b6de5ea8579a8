import sharp from 'sharp'
import type { z } from 'zod'
import type { Branding, UpdateBranding } from '../../contract/console.js'
import { writeTx } from '../../db/connection.js'
import {
  deleteLogo,
  logoBySlug,
  logoOf,
  saveLogo,
  setMerchantLogoUrl,
  updateMerchantBranding,
} from '../../db/queries/console.js'
import { merchantById } from '../../db/queries/merchants.js'
import { markFirstRunStep } from '../../db/queries/platform.js'
import type { Merchant } from '../../db/schema.js'
import { DomainError } from '../../domain/errors.js'
import { sniffImageType } from '../../domain/image-type.js'
import { queueMerchantWalletUpdates } from '../wallet/updates.js'
import type { Deps } from '../common/deps.js'

/** Logos are stored as a 256x256 WebP: small enough for a card tile at 3x, with transparency kept. */
export const LOGO_SIZE = 256
const LOGO_CONTENT_TYPE = 'image/webp'
/** A decompression bomb (a tiny file that decodes to gigapixels) is refused before it is decoded. */
const MAX_INPUT_PIXELS = 40_000_000

const toBranding = (m: Merchant): Branding => ({
  slug: m.slug,
  name: m.name,
  brandColor: m.brand_color,
  accentColor: m.accent_color,
  logoUrl: m.logo_url,
})

async function merchantOrThrow(deps: Deps, merchantId: string): Promise<Merchant> {
  const m = await merchantById(deps.db, merchantId)
  if (!m) throw new DomainError('merchant_not_found', 'Unknown merchant.')
  return m
}

export async function getBranding(deps: Deps, merchantId: string): Promise<Branding> {
  return toBranding(await merchantOrThrow(deps, merchantId))
}

export async function updateBranding(
  deps: Deps,
  merchantId: string,
  b: z.infer<typeof UpdateBranding>,
): Promise<Branding> {
  await writeTx(deps.db, async (tx) => {
    await updateMerchantBranding(tx, merchantId, {
      name: b.name,
      brand_color: b.brandColor.toLowerCase(),
      accent_color: b.accentColor.toLowerCase(),
    })
    // The first-run checklist's branding step is done by saving it once.
    await markFirstRunStep(tx, merchantId, 'branding', deps.clock.now().toISOString())
    // Wallet passes carry the brand: each is updated (APNs push, Google PATCH).
    await queueMerchantWalletUpdates(tx, merchantId, deps.clock.now())
  })
  return getBranding(deps, merchantId)
}

export const logoUrlFor = (slug: string, version: number) => `/api/merchants/${slug}/logo?v=${version}`

/** Checks the bytes are a PNG, JPEG or WebP that decodes; returns it resized, without metadata (EXIF, GPS). */
export async function processLogo(bytes: Uint8Array): Promise<Buffer> {
  if (bytes.length === 0) throw new DomainError('unsupported_image', 'The upload is empty.')
  const type = sniffImageType(bytes)
  if (!type) throw new DomainError('unsupported_image', 'The logo must be a PNG, JPEG or WebP image.')
  try {
    return await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate() // apply the EXIF orientation before the metadata is dropped
      .resize(LOGO_SIZE, LOGO_SIZE, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } })
      .webp({ quality: 85 })
      .toBuffer()
  } catch {
    throw new DomainError('unsupported_image', `The file starts like a ${type} but is not a readable image.`, { type })
  }
}

/** Stores a new logo and points merchants.logo_url at its new version, so caches pick it up at once. */
export async function uploadLogo(deps: Deps, merchantId: string, bytes: Uint8Array): Promise<Branding> {
  const data = await processLogo(bytes)
  const now = deps.clock.now().toISOString()
  await writeTx(deps.db, async (tx) => {
    const m = await merchantById(tx, merchantId)
    if (!m) throw new DomainError('merchant_not_found', 'Unknown merchant.')
    const version = ((await logoOf(tx, merchantId))?.version ?? 0) + 1
    await saveLogo(tx, { merchant_id: merchantId, version, content_type: LOGO_CONTENT_TYPE, data, created_at: now })
    await setMerchantLogoUrl(tx, merchantId, logoUrlFor(m.slug, version))
    await queueMerchantWalletUpdates(tx, merchantId, deps.clock.now())
  })
  return getBranding(deps, merchantId)
}

export async function removeLogo(deps: Deps, merchantId: string): Promise<Branding> {
  await writeTx(deps.db, async (tx) => {
    await deleteLogo(tx, merchantId)
    await setMerchantLogoUrl(tx, merchantId, null)
    await queueMerchantWalletUpdates(tx, merchantId, deps.clock.now())
  })
  return getBranding(deps, merchantId)
}

export async function logoForSlug(deps: Deps, slug: string) {
  const logo = await logoBySlug(deps.db, slug)
  if (!logo) throw new DomainError('not_found', 'This merchant has no logo.')
  return { version: logo.version, contentType: logo.content_type, data: logo.data }
}
