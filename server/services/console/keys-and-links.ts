import { writeTx } from '../../db/connection.js'
import QRCode from 'qrcode'
import { z } from 'zod'
import type { ApiKeySummary, CreatedApiKey, SignupLink } from '../../contract/merchant.js'
import { activeApiKeyByHash, apiKeysOf, insertApiKey, revokeApiKey, touchApiKey } from '../../db/queries/access.js'
import { locationOf, locationsOf } from '../../db/queries/locations.js'
import { insertSignupLink, merchantById, signupLinksWithCounts } from '../../db/queries/merchants.js'
import { markFirstRunStep } from '../../db/queries/platform.js'
import type { ApiKey } from '../../db/schema.js'
import { DomainError } from '../../domain/errors.js'
import { newId, newLinkCode, randomToken, sha256 } from '../../domain/ids.js'
import type { Actor, Deps } from '../common/deps.js'

type ApiKeyDto = z.infer<typeof ApiKeySummary>
const API_KEY_PREFIX = 'lw_live_'

const toApiKey = (k: ApiKey): ApiKeyDto => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  createdAt: k.created_at,
  lastUsedAt: k.last_used_at,
  revokedAt: k.revoked_at,
  locationId: k.location_id,
})

/** A location of this business that is open, or a refusal naming the field. */
async function openLocation(deps: Deps, merchantId: string, id: string | null | undefined) {
  if (!id) return null
  const l = await locationOf(deps.db, merchantId, id)
  if (!l || l.archived_at) {
    throw new DomainError('location_not_found', 'No such location in your business.', [
      { path: 'locationId', message: 'unknown location' },
    ])
  }
  return l
}

export async function listApiKeys(deps: Deps, merchantId: string): Promise<ApiKeyDto[]> {
  return (await apiKeysOf(deps.db, merchantId)).map(toApiKey)
}

/** The secret is returned once; only its SHA-256 is kept (it is 256 random bits, so a slow hash adds nothing). */
export async function createApiKey(
  deps: Deps,
  staff: { id: string; merchantId: string },
  name: string,
  locationId: string | null = null,
): Promise<z.infer<typeof CreatedApiKey>> {
  const location = await openLocation(deps, staff.merchantId, locationId)
  const key = API_KEY_PREFIX + randomToken(32)
  const row = {
    id: newId(),
    merchant_id: staff.merchantId,
    name,
    prefix: key.slice(0, API_KEY_PREFIX.length + 6),
    key_hash: sha256(key),
    created_by: staff.id,
    created_at: deps.clock.now().toISOString(),
    last_used_at: null,
    revoked_at: null,
    location_id: location?.id ?? null,
  }
  await writeTx(deps.db, (tx) => insertApiKey(tx, row))
  return { ...toApiKey(row), key }
}

export async function revokeKey(deps: Deps, merchantId: string, id: string): Promise<void> {
  if (!(await writeTx(deps.db, (tx) => revokeApiKey(tx, merchantId, id, deps.clock.now().toISOString())))) {
    throw new DomainError('not_found', 'No active API key with this id.')
  }
  // Refused from this moment in this process (another process sharing the file: within KEY_CACHE_MS).
  const cache = keyCaches.get(deps.db)
  if (cache) for (const [hash, hit] of cache) if (hit.row.id === id) cache.delete(hash)
}

const LAST_USED_RESOLUTION_MS = 60_000
/**
 * A POS sends many earns a second with the same key: its lookup is remembered for one second of wall
 * time, so a busy till does not query api_keys (and wait for the connection) on every request.
 */
const KEY_CACHE_MS = 1_000
type KeyRow = NonNullable<Awaited<ReturnType<typeof activeApiKeyByHash>>>
const keyCaches = new WeakMap<Deps['db'], Map<string, { row: KeyRow; at: number }>>()

/** The merchant behind a POS bearer key, or null. */
export async function actorForApiKey(deps: Deps, key: string): Promise<Actor | null> {
  const hash = sha256(key)
  let cache = keyCaches.get(deps.db)
  if (!cache) keyCaches.set(deps.db, (cache = new Map()))
  const hit = cache.get(hash)
  let row: KeyRow | undefined
  if (hit && performance.now() - hit.at < KEY_CACHE_MS) row = hit.row
  else {
    row = await activeApiKeyByHash(deps.db, hash)
    if (!row) return null
    if (cache.size > 1000) cache.clear()
    cache.set(hash, { row, at: performance.now() })
  }
  const now = deps.clock.now()
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > LAST_USED_RESOLUTION_MS) {
    const at = (row.last_used_at = now.toISOString())
    const id = row.id
    await writeTx(deps.db, (tx) => touchApiKey(tx, id, at))
  }
  return { merchantId: row.merchant_id, staffId: null, apiKeyId: row.id, role: 'pos', locationId: row.location_id }
}

export async function listSignupLinks(deps: Deps, merchantId: string): Promise<SignupLink[]> {
  const merchant = await merchantById(deps.db, merchantId)
  if (!merchant) throw new DomainError('merchant_not_found', 'Unknown merchant.')
  const rows = await signupLinksWithCounts(deps.db, merchantId)
  const locations = new Map((await locationsOf(deps.db, merchantId)).map((l) => [l.id, l]))
  return rows.map((r) => {
    const l = r.location_id ? locations.get(r.location_id) : undefined
    return {
      id: r.id,
      code: r.code,
      campaign: r.campaign,
      url: `${deps.config.publicUrl}/join/${merchant.slug}?via=${r.code}`,
      joined: Number(r.joined),
      createdAt: r.created_at,
      location: l ? { id: l.id, name: l.name, address: l.address } : null,
    }
  })
}

/** A signup link, optionally of one location: members who join through it are counted there. */
export async function createSignupLink(
  deps: Deps,
  merchantId: string,
  campaign: string,
  locationId: string | null = null,
): Promise<SignupLink> {
  const location = await openLocation(deps, merchantId, locationId)
  const id = newId()
  await writeTx(deps.db, (tx) =>
    insertSignupLink(tx, {
      id,
      merchant_id: merchantId,
      code: newLinkCode(),
      campaign,
      created_at: deps.clock.now().toISOString(),
      location_id: location?.id ?? null,
    }),
  )
  const link = (await listSignupLinks(deps, merchantId)).find((l) => l.id === id)
  if (!link) throw new Error('signup link vanished after insert')
  return link
}

/** A signup link's QR code as a PNG (1024 px) or SVG download. */
export async function signupLinkQr(deps: Deps, merchantId: string, id: string, format: 'png' | 'svg') {
  const link = (await listSignupLinks(deps, merchantId)).find((l) => l.id === id)
  if (!link) throw new DomainError('not_found', 'No signup link with this id.')
  const slug =
    link.campaign
      .replace(/[^a-z0-9]+/gi, '-')
      .replace(/^-|-$/g, '')
      .toLowerCase() || link.code
  const filename = `qr-${slug}.${format}`
  // A downloaded QR is a poster on its way: the first-run step is done.
  await writeTx(deps.db, (tx) => markFirstRunStep(tx, merchantId, 'poster', deps.clock.now().toISOString()))
  // Error correction Q: a poster survives some dirt, tape or a logo sticker over a corner.
  const opts = { errorCorrectionLevel: 'Q' as const, margin: 4, color: { dark: '#000000', light: '#ffffff' } }
  if (format === 'svg')
    return { filename, contentType: 'image/svg+xml', body: await QRCode.toString(link.url, { ...opts, type: 'svg' }) }
  const png = await QRCode.toBuffer(link.url, { ...opts, type: 'png', width: 1024 })
  return { filename, contentType: 'image/png', body: new Uint8Array(png) }
}
