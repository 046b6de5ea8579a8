import fs from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { logoOf } from '../../db/queries/console.js'
import { merchantById } from '../../db/queries/merchants.js'
import { DomainError } from '../../domain/errors.js'
import type { Deps } from '../common/deps.js'

const FALLBACK = path.resolve('public/pwa-512x512.png')

/** The business's logo as a PNG for Google Wallet's class (Google takes PNG or JPEG, not our WebP). */
export async function walletLogoPng(deps: Deps, merchantId: string): Promise<Buffer> {
  const m = await merchantById(deps.db, merchantId)
  if (!m) throw new DomainError('not_found', 'No such business.')
  const logo = await logoOf(deps.db, merchantId)
  if (logo)
    return sharp(Buffer.from(logo.data)).resize(660, 660, { fit: 'contain', background: '#ffffff' }).png().toBuffer()
  return fs.readFileSync(FALLBACK)
}
