import { timingSafeEqual } from 'node:crypto'
import type { SetupRequest } from '../../contract/merchant.js'
import type { StaffMe } from '../../contract/staff.js'
import { writeTx, type Db } from '../../db/connection.js'
import {
  countMerchants,
  insertMerchant,
  insertProgramVersion,
  insertSignupLink,
  merchantBySlug,
} from '../../db/queries/merchants.js'
import { insertStaff, staffByEmail } from '../../db/queries/people.js'
import { DomainError } from '../../domain/errors.js'
import { newId } from '../../domain/ids.js'
import type { Deps } from '../common/deps.js'
import { hashPassword } from './passwords.js'
import { staffMe } from './staff-auth.js'

export interface NewMerchant {
  slug: string
  name: string
  currency: string
  timezone: string
  brandColor: string
  accentColor?: string
  logoUrl?: string | null
  pointsPerUnit?: number
  unitMinor?: number
  owner: { name: string; email: string; password: string }
}

/** Creates a merchant, its first program version, its default signup link and its owner. Returns the owner's id. */
export async function createMerchant(
  db: Db,
  input: NewMerchant,
  now: Date,
): Promise<{ merchantId: string; ownerId: string }> {
  const passwordHash = await hashPassword(input.owner.password)
  const at = now.toISOString()
  return writeTx(db, async (tx) => {
    if (await merchantBySlug(tx, input.slug))
      throw new DomainError('slug_taken', `The address "${input.slug}" is taken.`)
    if (await staffByEmail(tx, input.owner.email)) {
      throw new DomainError('email_taken', 'A staff account with this email already exists.')
    }
    const merchantId = newId()
    const ownerId = newId()
    await insertMerchant(tx, {
      id: merchantId,
      slug: input.slug,
      name: input.name,
      brand_color: input.brandColor,
      accent_color: input.accentColor ?? '#ffffff',
      logo_url: input.logoUrl ?? null,
      timezone: input.timezone,
      currency: input.currency,
      created_at: at,
    })
    await insertProgramVersion(tx, {
      id: newId(),
      merchant_id: merchantId,
      version: 1,
      points_per_unit: input.pointsPerUnit ?? 1,
      unit_minor: input.unitMinor ?? 100,
      rounding: 'floor',
      effective_from: at,
      created_at: at,
    })
    await insertSignupLink(tx, {
      id: newId(),
      merchant_id: merchantId,
      code: 'main',
      campaign: 'Main link',
      created_at: at,
    })
    await insertStaff(tx, {
      id: ownerId,
      merchant_id: merchantId,
      email: input.owner.email,
      name: input.owner.name,
      role: 'owner',
      password_hash: passwordHash,
      created_at: at,
    })
    return { merchantId, ownerId }
  })
}

function tokenMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

export const setupNeeded = async (deps: Deps): Promise<boolean> => (await countMerchants(deps.db)) === 0

/** The first-run page: only while no merchant exists, and only with the token printed on the console. */
export async function runSetup(deps: Deps, req: SetupRequest): Promise<{ me: StaffMe; ownerId: string }> {
  if (!(await setupNeeded(deps)) || deps.setupToken === null) {
    throw new DomainError('setup_done', 'This server is already set up. Sign in as staff instead.')
  }
  if (!tokenMatches(deps.setupToken, req.token)) {
    throw new DomainError('setup_token_invalid', 'The setup link is not valid. Use the link printed by the server.')
  }
  const { ownerId } = await createMerchant(
    deps.db,
    {
      slug: req.slug,
      name: req.merchantName,
      currency: req.currency,
      timezone: req.timezone,
      brandColor: req.brandColor,
      owner: { name: req.ownerName, email: req.ownerEmail, password: req.ownerPassword },
    },
    deps.clock.now(),
  )
  deps.setupToken = null
  return { me: await staffMe(deps, ownerId), ownerId }
}
