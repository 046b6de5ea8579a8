import { z } from 'zod'
import type { ApiKeySummary, CreatedApiKey, SignupLink } from '../contract/merchant.js'
import { activeApiKeyByHash, apiKeysOf, insertApiKey, revokeApiKey, touchApiKey } from '../db/queries/access.js'
import { insertSignupLink, merchantById, signupLinksWithCounts } from '../db/queries/merchants.js'
import type { ApiKey } from '../db/schema.js'
import { DomainError } from '../domain/errors.js'
import { newId, newLinkCode, randomToken, sha256 } from '../domain/ids.js'
import type { Actor, Deps } from './deps.js'

type ApiKeyDto = z.infer<typeof ApiKeySummary>
const API_KEY_PREFIX = 'lw_live_'

const toApiKey = (k: ApiKey): ApiKeyDto => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  createdAt: k.created_at,
  lastUsedAt: k.last_used_at,
  revokedAt: k.revoked_at,
})

export async function listApiKeys(deps: Deps, merchantId: string): Promise<ApiKeyDto[]> {
  return (await apiKeysOf(deps.db, merchantId)).map(toApiKey)
}

/** The secret is returned once; only its SHA-256 is kept (it is 256 random bits, so a slow hash adds nothing). */
export async function createApiKey(
  deps: Deps,
  staff: { id: string; merchantId: string },
  name: string,
): Promise<z.infer<typeof CreatedApiKey>> {
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
  }
  await insertApiKey(deps.db, row)
  return { ...toApiKey(row), key }
}

export async function revokeKey(deps: Deps, merchantId: string, id: string): Promise<void> {
  if (!(await revokeApiKey(deps.db, merchantId, id, deps.clock.now().toISOString()))) {
    throw new DomainError('not_found', 'No active API key with this id.')
  }
}

const LAST_USED_RESOLUTION_MS = 60_000

/** The merchant behind a POS bearer key, or null. */
export async function actorForApiKey(deps: Deps, key: string): Promise<Actor | null> {
  const row = await activeApiKeyByHash(deps.db, sha256(key))
  if (!row) return null
  const now = deps.clock.now()
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > LAST_USED_RESOLUTION_MS) {
    await touchApiKey(deps.db, row.id, now.toISOString())
  }
  return { merchantId: row.merchant_id, staffId: null, apiKeyId: row.id, role: 'pos' }
}

export async function listSignupLinks(deps: Deps, merchantId: string): Promise<SignupLink[]> {
  const merchant = await merchantById(deps.db, merchantId)
  if (!merchant) throw new DomainError('merchant_not_found', 'Unknown merchant.')
  const rows = await signupLinksWithCounts(deps.db, merchantId)
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    campaign: r.campaign,
    url: `${deps.config.publicUrl}/join/${merchant.slug}?via=${r.code}`,
    joined: Number(r.joined),
    createdAt: r.created_at,
  }))
}

export async function createSignupLink(deps: Deps, merchantId: string, campaign: string): Promise<SignupLink> {
  const id = newId()
  await insertSignupLink(deps.db, {
    id,
    merchant_id: merchantId,
    code: newLinkCode(),
    campaign,
    created_at: deps.clock.now().toISOString(),
  })
  const link = (await listSignupLinks(deps, merchantId)).find((l) => l.id === id)
  if (!link) throw new Error('signup link vanished after insert')
  return link
}
