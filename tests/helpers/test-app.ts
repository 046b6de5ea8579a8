import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { inject } from 'vitest'
import { createApp } from '../../server/app.js'
import { loadConfig } from '../../server/config.js'
import { migrate, openDatabase, type Backend } from '../../server/db/connection.js'
import { FixedClock } from '../../server/domain/clock.js'
import type { Deps } from '../../server/services/common/deps.js'
import { contractChecker } from './contract.js'
import { freshPgDatabase } from './pg.js'

export const T0 = new Date('2026-03-10T12:00:00.000Z')
export const SETUP_TOKEN = 'test-setup-token-0123456789'

/** The backend the API tier runs on: SQLite (project `api`) or PostgreSQL (project `api-pg`). */
export const testBackend: Backend = process.env.LW_TEST_DB === 'postgres' ? 'postgres' : 'sqlite'

/**
 * The real app over a fresh database made from the migrations (a SQLite file, or a PostgreSQL
 * database copied from the run's migrated template); a fixed clock the test moves.
 */
export async function makeTestApp(env: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-test-'))
  const pgDb = testBackend === 'postgres' ? await freshPgDatabase(inject('pgTemplate')) : null
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dir,
    PUBLIC_URL: 'http://localhost:3000',
    RATE_LIMIT_JOIN_PER_MIN: '1000',
    RATE_LIMIT_LOGIN_PER_MIN: '1000',
    RATE_LIMIT_SCAN_PER_MIN: '1000',
    ...(pgDb ? { DATABASE_URL: pgDb.url, DATABASE_POOL_SIZE: '6' } : {}),
    ...env,
  })
  const opened = await openDatabase(config)
  await migrate(opened.db)
  const clock = new FixedClock(T0)
  const deps: Deps = { db: opened.db, clock, config, setupToken: SETUP_TOKEN }
  const app = await checkedAgainstContract(createApp(deps))
  return {
    app,
    deps,
    clock,
    db: opened.db,
    backend: opened.backend,
    /** SQLite only (pragmas, the file's bytes): tests that run on both backends read through `db`. */
    sqlite: opened.sqlite as import('better-sqlite3').Database,
    dbFile: config.dbFile,
    /** A second handle on the same database, as a restarted server would open it. */
    reopen: () => openDatabase(config),
    /**
     * Another server process on the same database, in this process: its own connection (pool), its
     * own caches and its own app, sharing the config and the clock.
     */
    async sibling() {
      const other = await openDatabase(config)
      const d: Deps = { db: other.db, clock, config, setupToken: SETUP_TOKEN }
      const a = await checkedAgainstContract(createApp(d))
      return { app: a, deps: d, db: other.db, client: () => new TestClient(a), close: () => other.close() }
    },
    /** A browser-like client with its own cookie jar. */
    client: () => new TestClient(app),
    async close() {
      await opened.close()
      await pgDb?.drop()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
export type TestApp = Awaited<ReturnType<typeof makeTestApp>>

/**
 * Every response the app gives a test is checked against the OpenAPI document it serves
 * (helpers/contract.ts): a status, content type or body the document does not describe fails the
 * request, and with it the test.
 */
async function checkedAgainstContract<A extends ReturnType<typeof createApp>>(app: A): Promise<A> {
  type Request_ = (input: string | Request | URL, init?: RequestInit) => Response | Promise<Response>
  const request = app.request.bind(app) as Request_
  const doc = await (await request('http://localhost:3000/api/openapi.json')).text()
  const checker = contractChecker(doc)
  const checked: Request_ = async (input, init) => {
    const res = await request(input, init)
    const url = input instanceof Request ? input.url : String(input)
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET')
    const text = await res.clone().text()
    const problem = checker.check(method, url, { status: res.status, headers: res.headers, text })
    if (problem) throw new Error(`Response off the OpenAPI document: ${problem}`)
    return res
  }
  app.request = checked as A['request']
  return app
}

export interface Res<T = any> {
  status: number
  body: T
  headers: Headers
}

export class TestClient {
  private cookies = new Map<string, string>()
  constructor(private app: { request: (input: string, init?: RequestInit) => Response | Promise<Response> }) {}

  async req<T = any>(
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Res<T>> {
    const h: Record<string, string> = { ...headers }
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    let payload: string | undefined
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body)
      h['content-type'] ??= 'application/json'
    }
    const res = await this.app.request(`http://localhost:3000${url}`, { method, headers: h, body: payload })
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';')
      const [k, v] = pair!.split('=')
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c) || !v) this.cookies.delete(k!)
      else this.cookies.set(k!, v)
    }
    const text = await res.text()
    let parsed: unknown = text
    try {
      parsed = text ? JSON.parse(text) : null
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed as T, headers: res.headers }
  }
  get = <T = any>(url: string, headers?: Record<string, string>) => this.req<T>('GET', url, undefined, headers)
  post = <T = any>(url: string, body?: unknown, headers?: Record<string, string>) =>
    this.req<T>('POST', url, body ?? {}, headers)
  delete = <T = any>(url: string) => this.req<T>('DELETE', url)
  hasCookie = (name: string) => this.cookies.has(name)
  cookie = (name: string) => this.cookies.get(name)
  setCookie = (name: string, value: string) => void this.cookies.set(name, value)
}
