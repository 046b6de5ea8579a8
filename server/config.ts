import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { z } from 'zod'

/** The only reader of process.env. Parsed once; a bad value stops the boot with a message naming it. */
const Env = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  /** postgres://user:pass@host:port/db selects PostgreSQL; unset keeps the SQLite file in DATA_DIR. */
  DATABASE_URL: z
    .string()
    .optional()
    .transform((v) => v || undefined)
    .pipe(
      z
        .string()
        .regex(
          /^postgres(ql)?:\/\/[^/]*\/[^/?]+/,
          'a postgres://user:password@host:port/database URL naming a database',
        )
        .optional(),
    ),
  /** Connections each server process keeps to PostgreSQL. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
  PUBLIC_URL: z.url().optional(),
  /** Who may say the client's address in X-Forwarded-For: a number of proxy hops, or proxy addresses. */
  TRUST_PROXY: z.string().default('0').transform(parseTrustProxy),
  RATE_LIMIT_JOIN_PER_MIN: z.coerce.number().int().positive().default(20),
  RATE_LIMIT_LOGIN_PER_MIN: z.coerce.number().int().positive().default(10),
  RATE_LIMIT_SCAN_PER_MIN: z.coerce.number().int().positive().default(120),
  /** How long a retryable write's answer is kept for replays (Stripe keeps its keys 24 hours). */
  IDEMPOTENCY_RETENTION_HOURS: z.coerce.number().int().min(1).max(2160).default(24),
  LOG_REQUESTS: z.enum(['0', '1']).default('0'),
  /** Tests and demos: every scheduled job every N seconds (each N seconds a period) instead of its schedule. */
  JOBS_EVERY_SECONDS: z.coerce.number().int().min(1).max(59).optional(),
  /** Who push services contact about our pushes (VAPID `sub`): mailto: or https:. */
  VAPID_SUBJECT: z.string().min(1).default('mailto:push@loyalty-wallet.invalid'),
  PUSH_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  /** Worker threads that encrypt pushes; 0 encrypts on the main thread. Default: the other cores, up to 4. */
  PUSH_ENCRYPT_THREADS: z.coerce.number().int().min(0).max(32).optional(),
  /** Outgoing mail (sign-in links): SMTP_URL, or SMTP_HOST with the rest; none prints links on the console. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'smtp:// or smtps:// URL')
    .optional(),
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  SMTP_USER: z.string().optional(),
  SMTP_PASS: z.string().optional(),
  SMTP_FROM: z.string().min(3).default('Loyalty Wallet <no-reply@localhost>'),
  /** Who may sign a business up: anyone (open), holders of an operator's link (invite), nobody (closed). */
  SIGNUP: z.enum(['open', 'invite', 'closed']).default('invite'),
  /** The platform's operators: comma-separated emails of staff accounts that may open the operator console. */
  OPERATOR_EMAILS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.email('each entry must be an email address'))),
  RATE_LIMIT_SIGNUP_PER_HOUR: z.coerce.number().int().positive().default(5),
  /** Webhook endpoints on loopback (127.0.0.1, ::1, over http too): for tests; refused in production. */
  WEBHOOKS_ALLOW_LOCALHOST: z.enum(['0', '1']).default('0'),
  /** Webhook requests in flight per process. */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  /** How long a claimed delivery is its process's to send; past it, another process sends it again. */
  WEBHOOK_CLAIM_LEASE_SECONDS: z.coerce.number().int().min(20).max(3600).default(300),
  /** Apple Wallet (docs/wallet-passes.md): a PEM or a path to one, for the cert, key and Apple's WWDR intermediate. */
  APPLE_PASS_TYPE_ID: z
    .string()
    .regex(/^pass\.[A-Za-z0-9.-]+$/, 'a Pass Type ID such as pass.com.example.loyalty')
    .optional(),
  APPLE_TEAM_ID: z
    .string()
    .regex(/^[A-Z0-9]{10}$/, 'the 10-character Apple team id')
    .optional(),
  APPLE_PASS_CERT: z.string().min(1).optional(),
  APPLE_PASS_KEY: z.string().min(1).optional(),
  APPLE_PASS_KEY_PASSPHRASE: z.string().optional(),
  APPLE_WWDR_CERT: z.string().min(1).optional(),
  APPLE_APNS_URL: z.url().default('https://api.push.apple.com'),
  /** Staging and tests: a CA (PEM or path) to trust for the APNs stand-in's TLS certificate. */
  APPLE_APNS_CA: z.string().min(1).optional(),
  /** Google Wallet: the issuer id and the service account's JSON key (the JSON or a path to it). */
  GOOGLE_WALLET_ISSUER_ID: z
    .string()
    .regex(/^\d{5,25}$/, 'the numeric issuer id from the Google Pay & Wallet console')
    .optional(),
  GOOGLE_WALLET_SERVICE_ACCOUNT: z.string().min(1).optional(),
  GOOGLE_WALLET_API_URL: z.url().default('https://walletobjects.googleapis.com'),
  GOOGLE_WALLET_SAVE_URL: z.url().default('https://pay.google.com'),
  GOOGLE_OAUTH_TOKEN_URL: z.url().default('https://oauth2.googleapis.com/token'),
})

/**
 * Which X-Forwarded-For entries to believe. `hops`: that many proxies of ours stand in front of the
 * server, each appending the address it saw, so the client is the entry that many places from the
 * right (the peer counting as the rightmost). `proxies`: the addresses or CIDR ranges of our proxies;
 * the client is the rightmost address that is not one of them. Entries further left were written by
 * the client and are never believed: rotating them must not walk past a rate limit.
 */
export type TrustProxy = { hops: number; proxies?: undefined } | { hops?: undefined; proxies: string[] }

function parseTrustProxy(value: string, ctx: z.RefinementCtx): TrustProxy {
  const v = value.trim().toLowerCase()
  if (v === '' || v === '0' || v === 'false') return { hops: 0 }
  // `1` and `true` were the only ways to turn it on before: one proxy (nginx) in front.
  if (v === 'true') return { hops: 1 }
  if (/^\d+$/.test(v)) {
    const hops = Number(v)
    if (hops <= 10) return { hops }
  }
  const proxies = v.split(',').map((p) => p.trim())
  const bad = proxies.filter((p) => {
    const [addr, bits, more] = p.split('/')
    const family = net.isIP(addr ?? '')
    if (!family || more !== undefined) return true
    return bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128))
  })
  if (bad.length === 0) return { proxies }
  ctx.addIssue({
    code: 'custom',
    message: `a number of proxy hops (0-10), or proxy addresses and CIDR ranges separated by commas (not ${bad.join(', ')})`,
  })
  return z.NEVER
}

export interface RateLimits {
  joinPerMinute: number
  loginPerMinute: number
  scanPerMinute: number
}

export interface Config {
  env: 'development' | 'production' | 'test'
  port: number
  host: string
  dataDir: string
  /** SQLite's file; unused when databaseUrl is set. */
  dbFile: string
  /** PostgreSQL when set; null: SQLite in dbFile. */
  databaseUrl: string | null
  dbPoolSize: number
  publicUrl: string
  /** Origin allowed on unsafe requests carrying cookies. */
  origin: string
  secureCookies: boolean
  trustProxy: TrustProxy
  rateLimits: RateLimits
  /** Hours an Idempotency-Key's answer is kept; a retry after that runs again. */
  idempotencyRetentionHours: number
  logRequests: boolean
  /** null: the jobs' own schedules; else every job every N seconds. */
  jobsEverySeconds: number | null
  distDir: string
  push: { vapidSubject: string; concurrency: number; encryptThreads: number }
  /** null: no SMTP configured, sign-in links are printed on the console. */
  smtp: SmtpConfig | null
  /** WebAuthn relying party id: PUBLIC_URL's hostname. */
  rpId: string
  /** Who may sign a business up (SIGNUP). */
  signup: 'open' | 'invite' | 'closed'
  /** Lower-case emails of the platform's operators (OPERATOR_EMAILS). */
  operatorEmails: string[]
  /** Business sign-ups per address per hour. */
  signupsPerHour: number
  webhooks: WebhookConfig
  wallet: WalletConfig
}

export interface WebhookConfig {
  /** Development: endpoints may be anywhere, private networks included. */
  anyAddress: boolean
  /** WEBHOOKS_ALLOW_LOCALHOST: loopback endpoints too (tests). */
  allowLocalhost: boolean
  concurrency: number
  leaseMs: number
}

/**
 * The operator's wallet credentials as given (PEMs or paths; read and checked by
 * services/wallet/credentials.ts, which says why a half-configured wallet stays off).
 */
export interface WalletConfig {
  apple: {
    passTypeId: string | null
    teamId: string | null
    cert: string | null
    key: string | null
    keyPassphrase: string | null
    wwdr: string | null
    apnsUrl: string
    apnsCa: string | null
  }
  google: {
    issuerId: string | null
    serviceAccount: string | null
    apiUrl: string
    saveUrl: string
    tokenUrl: string
  }
}

/** Why a VAPID subject is unusable in production, or null when it is fine. */
export function vapidSubjectProblem(subject: string): string | null {
  let u: URL
  try {
    u = new URL(subject)
  } catch {
    return 'it is not a URL'
  }
  if (u.protocol !== 'mailto:' && u.protocol !== 'https:') return 'it must start with mailto: or https:'
  const host = (u.protocol === 'mailto:' ? (u.pathname.split('@').pop() ?? '') : u.hostname)
    .toLowerCase()
    .replace(/\.$/, '')
  if (!host) return 'it names no domain'
  if (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host.endsWith('.local') ||
    host.endsWith('.invalid') ||
    host === 'invalid' ||
    host === 'local'
  ) {
    return `push services cannot reach ${host}`
  }
  return null
}

export interface SmtpConfig {
  url: string | null
  host: string | null
  port: number
  secure: boolean
  user: string | null
  pass: string | null
  from: string
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '')
  const url = new URL(publicUrl)
  if (e.NODE_ENV === 'production') {
    if (url.protocol !== 'https:') {
      throw new ConfigError(
        `Refusing to start in production: PUBLIC_URL must be https:// (got ${publicUrl}); session cookies would travel in clear text.`,
      )
    }
    const problem = vapidSubjectProblem(e.VAPID_SUBJECT)
    if (problem) {
      throw new ConfigError(
        `Refusing to start in production: VAPID_SUBJECT (${e.VAPID_SUBJECT}) is unusable: ${problem}. Set it to mailto:you@yourdomain or an https:// page of yours.`,
      )
    }
    if (e.WEBHOOKS_ALLOW_LOCALHOST === '1') {
      throw new ConfigError(
        'Refusing to start in production: WEBHOOKS_ALLOW_LOCALHOST=1 would let webhook endpoints reach this machine. It is for tests; unset it.',
      )
    }
  }
  const dataDir = path.resolve(e.DATA_DIR)
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir,
    dbFile: path.join(dataDir, 'loyalty.sqlite'),
    databaseUrl: e.DATABASE_URL ?? null,
    dbPoolSize: e.DATABASE_POOL_SIZE,
    publicUrl,
    origin: url.origin,
    secureCookies: url.protocol === 'https:',
    trustProxy: e.TRUST_PROXY,
    rateLimits: {
      joinPerMinute: e.RATE_LIMIT_JOIN_PER_MIN,
      loginPerMinute: e.RATE_LIMIT_LOGIN_PER_MIN,
      scanPerMinute: e.RATE_LIMIT_SCAN_PER_MIN,
    },
    idempotencyRetentionHours: e.IDEMPOTENCY_RETENTION_HOURS,
    logRequests: e.LOG_REQUESTS === '1',
    jobsEverySeconds: e.JOBS_EVERY_SECONDS ?? null,
    distDir: path.resolve('dist'),
    push: {
      vapidSubject: e.VAPID_SUBJECT,
      concurrency: e.PUSH_CONCURRENCY,
      encryptThreads: e.PUSH_ENCRYPT_THREADS ?? Math.min(4, Math.max(0, os.availableParallelism() - 1)),
    },
    smtp:
      e.SMTP_URL || e.SMTP_HOST
        ? {
            url: e.SMTP_URL ?? null,
            host: e.SMTP_HOST ?? null,
            port: e.SMTP_PORT ?? 587,
            secure: e.SMTP_PORT === 465,
            user: e.SMTP_USER || null,
            pass: e.SMTP_PASS || null,
            from: e.SMTP_FROM,
          }
        : null,
    rpId: url.hostname,
    signup: e.SIGNUP,
    operatorEmails: e.OPERATOR_EMAILS,
    signupsPerHour: e.RATE_LIMIT_SIGNUP_PER_HOUR,
    webhooks: {
      anyAddress: e.NODE_ENV === 'development',
      allowLocalhost: e.WEBHOOKS_ALLOW_LOCALHOST === '1',
      concurrency: e.WEBHOOK_CONCURRENCY,
      leaseMs: e.WEBHOOK_CLAIM_LEASE_SECONDS * 1000,
    },
    wallet: {
      apple: {
        passTypeId: e.APPLE_PASS_TYPE_ID ?? null,
        teamId: e.APPLE_TEAM_ID ?? null,
        cert: e.APPLE_PASS_CERT ?? null,
        key: e.APPLE_PASS_KEY ?? null,
        keyPassphrase: e.APPLE_PASS_KEY_PASSPHRASE || null,
        wwdr: e.APPLE_WWDR_CERT ?? null,
        apnsUrl: e.APPLE_APNS_URL.replace(/\/$/, ''),
        apnsCa: e.APPLE_APNS_CA ?? null,
      },
      google: {
        issuerId: e.GOOGLE_WALLET_ISSUER_ID ?? null,
        serviceAccount: e.GOOGLE_WALLET_SERVICE_ACCOUNT ?? null,
        apiUrl: e.GOOGLE_WALLET_API_URL.replace(/\/$/, ''),
        saveUrl: e.GOOGLE_WALLET_SAVE_URL.replace(/\/$/, ''),
        tokenUrl: e.GOOGLE_OAUTH_TOKEN_URL,
      },
    },
  }
}
