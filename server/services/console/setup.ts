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
import { insertOperator } from '../../db/queries/platform.js'
import { DomainError } from '../../domain/errors.js'
import { newId } from '../../domain/ids.js'
import type { Deps } from '../common/deps.js'
import { addLocation } from '../locations/locations.js'
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
  kind?: string | null
  country?: string | null
  /** Open to members from the start (setup, seeds, tests); a sign-up starts closed and unverified. */
  live?: boolean
  /** The first location, when the business has one from the start. */
  location?: { name: string; address?: string }
  owner: { name: string; email: string; password: string }
}

/**
 * Creates a merchant, its first program version, its default signup link (at the first location,
 * if any) and its owner, in the caller's transaction; the password is hashed by the caller (argon2
 * takes a while and must not hold the write lock). Refuses a taken slug or owner email, naming the field.
 */
export async function insertBusiness(
  tx: Db,
  input: NewMerchant,
  passwordHash: string,
  now: Date,
): Promise<{ merchantId: string; ownerId: string; locationId: string | null }> {
  const at = now.toISOString()
  if (await merchantBySlug(tx, input.slug)) {
    throw new DomainError('slug_taken', `The address "${input.slug}" is taken. Try another.`, [
      { path: 'slug', message: 'taken' },
    ])
  }
  if (await staffByEmail(tx, input.owner.email)) {
    throw new DomainError('email_taken', 'A staff account with this email already exists. Sign in instead.', [
      { path: 'ownerEmail', message: 'already has an account' },
    ])
  }
  const merchantId = newId()
  const ownerId = newId()
  const live = input.live ?? true
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
    kind: input.kind ?? null,
    country: input.country ?? null,
    email_verified_at: live ? at : null,
    live_at: live ? at : null,
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
  const locationId = input.location
    ? await addLocation(
        tx,
        merchantId,
        {
          name: input.location.name,
          address: input.location.address ?? '',
          timezone: input.timezone,
          openingHours: null,
          archived: false,
        },
        now,
      )
    : null
  await insertSignupLink(tx, {
    id: newId(),
    merchant_id: merchantId,
    code: 'main',
    campaign: 'Main link',
    created_at: at,
    location_id: locationId,
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
  return { merchantId, ownerId, locationId }
}

/** Creates a merchant with its owner (see insertBusiness). Returns the ids. */
export async function createMerchant(
  db: Db,
  input: NewMerchant,
  now: Date,
): Promise<{ merchantId: string; ownerId: string; locationId: string | null }> {
  const passwordHash = await hashPassword(input.owner.password)
  return writeTx(db, (tx) => insertBusiness(tx, input, passwordHash, now))
}

function tokenMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

export const setupNeeded = async (deps: Deps): Promise<boolean> => (await countMerchants(deps.db)) === 0

/**
 * The first-run page of an empty installation: only while no merchant exists, and only with the token
 * printed on the console. It creates the first business (live: whoever holds the token runs the
 * server) and its owner, who is the platform's operator.
 */
export async function runSetup(deps: Deps, req: SetupRequest): Promise<{ me: StaffMe; ownerId: string }> {
  if (!(await setupNeeded(deps)) || deps.setupToken === null) {
    throw new DomainError('setup_done', 'This server is already set up. Sign in as staff instead.')
  }
  if (!tokenMatches(deps.setupToken, req.token)) {
    throw new DomainError('setup_token_invalid', 'The setup link is not valid. Use the link printed by the server.')
  }
  const now = deps.clock.now()
  const passwordHash = await hashPassword(req.ownerPassword)
  const { ownerId } = await writeTx(deps.db, async (tx) => {
    const made = await insertBusiness(
      tx,
      {
        slug: req.slug,
        name: req.merchantName,
        currency: req.currency,
        timezone: req.timezone,
        brandColor: req.brandColor,
        kind: req.kind ?? null,
        location: { name: req.merchantName },
        owner: { name: req.ownerName, email: req.ownerEmail, password: req.ownerPassword },
      },
      passwordHash,
      now,
    )
    await insertOperator(tx, made.ownerId, now.toISOString())
    return made
  })
  deps.setupToken = null
  return { me: await staffMe(deps, ownerId), ownerId }
}
