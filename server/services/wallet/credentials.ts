import { createPrivateKey, X509Certificate } from 'node:crypto'
import fs from 'node:fs'
import type { WalletConfig } from '../../config.js'

/**
 * The operator's wallet credentials, read once per configuration. A setting may hold the PEM (or
 * JSON) itself or a path to a file with it. A half-configured wallet stays off, and `problem` says
 * why, for the console and the boot log: the buttons are hidden rather than failing at the till.
 */
export interface AppleCredentials {
  passTypeId: string
  teamId: string
  certPem: string
  keyPem: string
  keyPassphrase: string | null
  wwdrPem: string
  apnsUrl: string
  apnsCa: string | null
}

export interface GoogleCredentials {
  issuerId: string
  clientEmail: string
  privateKeyPem: string
  apiUrl: string
  saveUrl: string
  tokenUrl: string
}

export interface WalletCredentials {
  apple: AppleCredentials | null
  appleProblem: string | null
  google: GoogleCredentials | null
  googleProblem: string | null
}

/** A PEM/JSON given inline, or read from the file the setting names. */
function readSetting(value: string, looksInline: (v: string) => boolean): string {
  return looksInline(value) ? value : fs.readFileSync(value, 'utf8')
}
const isPem = (v: string) => v.trimStart().startsWith('-----BEGIN')

function loadApple(c: WalletConfig['apple']): Pick<WalletCredentials, 'apple' | 'appleProblem'> {
  const missing = (
    [
      ['APPLE_PASS_TYPE_ID', c.passTypeId],
      ['APPLE_TEAM_ID', c.teamId],
      ['APPLE_PASS_CERT', c.cert],
      ['APPLE_PASS_KEY', c.key],
      ['APPLE_WWDR_CERT', c.wwdr],
    ] as const
  )
    .filter(([, v]) => !v)
    .map(([k]) => k)
  if (missing.length === 5) return { apple: null, appleProblem: 'not configured' }
  if (missing.length) return { apple: null, appleProblem: `missing ${missing.join(', ')}` }
  try {
    const certPem = readSetting(c.cert!, isPem)
    const keyPem = readSetting(c.key!, isPem)
    const wwdrPem = readSetting(c.wwdr!, isPem)
    new X509Certificate(certPem)
    new X509Certificate(wwdrPem)
    createPrivateKey({ key: keyPem, passphrase: c.keyPassphrase ?? undefined })
    return {
      apple: {
        passTypeId: c.passTypeId!,
        teamId: c.teamId!,
        certPem,
        keyPem,
        keyPassphrase: c.keyPassphrase,
        wwdrPem,
        apnsUrl: c.apnsUrl,
        apnsCa: c.apnsCa ? readSetting(c.apnsCa, isPem) : null,
      },
      appleProblem: null,
    }
  } catch (err) {
    return { apple: null, appleProblem: `the certificate or key does not load: ${(err as Error).message}` }
  }
}

function loadGoogle(c: WalletConfig['google']): Pick<WalletCredentials, 'google' | 'googleProblem'> {
  if (!c.issuerId && !c.serviceAccount) return { google: null, googleProblem: 'not configured' }
  if (!c.issuerId) return { google: null, googleProblem: 'missing GOOGLE_WALLET_ISSUER_ID' }
  if (!c.serviceAccount) return { google: null, googleProblem: 'missing GOOGLE_WALLET_SERVICE_ACCOUNT' }
  try {
    const json = JSON.parse(readSetting(c.serviceAccount, (v) => v.trimStart().startsWith('{'))) as {
      client_email?: string
      private_key?: string
    }
    if (!json.client_email || !json.private_key) throw new Error('it has no client_email or private_key')
    createPrivateKey(json.private_key)
    return {
      google: {
        issuerId: c.issuerId,
        clientEmail: json.client_email,
        privateKeyPem: json.private_key,
        apiUrl: c.apiUrl,
        saveUrl: c.saveUrl,
        tokenUrl: c.tokenUrl,
      },
      googleProblem: null,
    }
  } catch (err) {
    return { google: null, googleProblem: `the service account key does not load: ${(err as Error).message}` }
  }
}

const cache = new WeakMap<WalletConfig, WalletCredentials>()

export function walletCredentials(config: WalletConfig): WalletCredentials {
  let found = cache.get(config)
  if (!found) {
    found = { ...loadApple(config.apple), ...loadGoogle(config.google) }
    cache.set(config, found)
  }
  return found
}
