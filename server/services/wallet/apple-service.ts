import { timingSafeEqual } from 'node:crypto'
import { writeTx } from '../../db/connection.js'
import {
  deleteRegistration,
  insertRegistration,
  passById,
  passesOfDevice,
  registration,
  setPushToken,
} from '../../db/queries/wallet.js'
import { newId, sha256 } from '../../domain/ids.js'
import type { Deps } from '../common/deps.js'
import { buildApplePass } from './apple-pass.js'
import { walletCredentials, type AppleCredentials } from './credentials.js'
import { appleWebServiceUrl } from './member-passes.js'
import { passContent } from './pass-content.js'

/*
 * Apple's PassKit web service: devices register a pass for updates, ask which of theirs changed,
 * fetch the latest, and unregister. Each call but the list carries the pass's token
 * ("Authorization: ApplePass <token>"), checked against its hash. Answers are Apple's bare statuses.
 */

export type AppleAnswer<T = undefined> = { status: 200 | 201 | 204 | 304 | 401 | 404; body?: T }

const creds = (deps: Deps): AppleCredentials | null => walletCredentials(deps.config.wallet).apple

const tokenOf = (header: string | undefined) => /^ApplePass (\S+)$/.exec(header ?? '')?.[1] ?? null

/** The pass the token opens, or null (a wrong token, type or serial all look the same). */
async function authenticated(deps: Deps, passTypeId: string, serial: string, authorization: string | undefined) {
  const c = creds(deps)
  const token = tokenOf(authorization)
  if (!c || passTypeId !== c.passTypeId || !token) return null
  const pass = await passById(deps.db, serial)
  if (!pass || pass.kind !== 'apple' || !pass.auth_token_hash) return null
  const a = Buffer.from(sha256(token))
  const b = Buffer.from(pass.auth_token_hash)
  return a.length === b.length && timingSafeEqual(a, b) ? { pass, token, creds: c } : null
}

export async function registerDevice(
  deps: Deps,
  p: { deviceLibraryId: string; passTypeId: string; serial: string; authorization?: string; pushToken: string },
): Promise<AppleAnswer> {
  const ok = await authenticated(deps, p.passTypeId, p.serial, p.authorization)
  if (!ok) return { status: 401 }
  const at = deps.clock.now().toISOString()
  return writeTx(deps.db, async (tx) => {
    const found = await registration(tx, ok.pass.id, p.deviceLibraryId)
    if (found) {
      if (found.push_token !== p.pushToken) await setPushToken(tx, found.id, p.pushToken)
      return { status: 200 as const }
    }
    await insertRegistration(tx, {
      id: newId(),
      pass_id: ok.pass.id,
      card_id: ok.pass.card_id,
      device_library_id: p.deviceLibraryId,
      push_token: p.pushToken,
      created_at: at,
    })
    return { status: 201 as const }
  })
}

export async function unregisterDevice(
  deps: Deps,
  p: { deviceLibraryId: string; passTypeId: string; serial: string; authorization?: string },
): Promise<AppleAnswer> {
  const ok = await authenticated(deps, p.passTypeId, p.serial, p.authorization)
  if (!ok) return { status: 401 }
  await writeTx(deps.db, async (tx) => {
    const found = await registration(tx, ok.pass.id, p.deviceLibraryId)
    if (found) await deleteRegistration(tx, found.id)
  })
  return { status: 200 }
}

/** The device's passes changed since its last tag (our `updated_at`), or 204 when none did. */
export async function updatedSerials(
  deps: Deps,
  p: { deviceLibraryId: string; passTypeId: string; since?: string },
): Promise<AppleAnswer<{ serialNumbers: string[]; lastUpdated: string }>> {
  const c = creds(deps)
  if (!c || p.passTypeId !== c.passTypeId) return { status: 404 }
  const rows = await passesOfDevice(deps.db, p.deviceLibraryId, p.since || null)
  if (!rows.length) return { status: 204 }
  const lastUpdated = rows.reduce((m, r) => (r.updated_at > m ? r.updated_at : m), '')
  return { status: 200, body: { serialNumbers: rows.map((r) => r.id), lastUpdated } }
}

/** HTTP dates have whole seconds: a pass changed within the second the device saw is not "modified". */
const wholeSeconds = (iso: string) => Math.floor(new Date(iso).getTime() / 1000)

export async function latestPass(
  deps: Deps,
  p: { passTypeId: string; serial: string; authorization?: string; ifModifiedSince?: string },
): Promise<AppleAnswer<{ file: Buffer; lastModified: string }>> {
  const ok = await authenticated(deps, p.passTypeId, p.serial, p.authorization)
  if (!ok) return { status: 401 }
  const since = p.ifModifiedSince ? Date.parse(p.ifModifiedSince) : NaN
  if (!Number.isNaN(since) && wholeSeconds(ok.pass.updated_at) <= Math.floor(since / 1000)) return { status: 304 }
  const content = await passContent(deps.db, ok.pass.card_id, deps.clock.now())
  if (!content) return { status: 404 }
  const file = await buildApplePass(
    content,
    {
      serial: ok.pass.id,
      authToken: ok.token,
      memberCode: ok.pass.member_code!,
      webServiceUrl: appleWebServiceUrl(deps.config.publicUrl),
    },
    ok.creds,
  )
  return { status: 200, body: { file, lastModified: new Date(ok.pass.updated_at).toUTCString() } }
}

/** What devices report about our passes (a wrong signature, an unreachable service): to the log. */
export function logFromDevices(logs: unknown): void {
  if (!Array.isArray(logs)) return
  for (const line of logs.slice(0, 20)) console.warn(`apple wallet device: ${String(line).slice(0, 500)}`)
}
