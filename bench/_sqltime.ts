import { Session } from 'node:inspector/promises'
import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path'
import { createApp } from '../server/app.js'
import { loadConfig } from '../server/config.js'
import { migrate, openDb } from '../server/db/connection.js'
import { systemClock } from '../server/domain/clock.js'
import { joinProgram } from '../server/services/join-program.js'
import { createApiKey } from '../server/services/merchant-admin.js'
import { createMerchant } from '../server/services/setup-merchant.js'
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-x-'))
const config = loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://bench.invalid', VAPID_SUBJECT: 'mailto:b@example.com', DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1' })
const opened = openDb(config.dbFile, { backgroundCheckpoints: !!process.env.BG }); await migrate(opened.db)
const deps = { db: opened.db, clock: systemClock, config, setupToken: null }
const { merchantId, ownerId } = await createMerchant(opened.db, { slug: 'bench', name: 'Bench', currency: 'EUR', timezone: 'UTC', brandColor: '#000000', owner: { name: 'B', email: 'b@bench.test', password: 'bench-password' } }, new Date())
const cards: any[] = []
for (let i = 0; i < 500; i++) cards.push((await joinProgram(deps as any, { slug: 'bench', name: 'M' + i, marketingConsent: false }, null)).card)
const { key } = await createApiKey(deps as any, { id: ownerId, merchantId }, 'bench')
const app = createApp(deps as any)
const req = (i: number) => app.request('http://x/api/pos/v1/earn', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'idempotency-key': `key-${i}-xxxxxxxx` }, body: JSON.stringify({ cardNumber: cards[i % 500].cardNumber, amountMinor: 1250 }) })
for (let i = 0; i < 5000; i++) await req(i)
if (process.env.NOCKPT) opened.sqlite.pragma("wal_autocheckpoint = 0")
const proto = Object.getPrototypeOf(opened.sqlite.prepare('select 1'))
const times = new Map<string, [number, number]>()
for (const m of ['run', 'all', 'get', 'iterate']) {
  const orig = proto[m]
  proto[m] = function (...a: any[]) { const t = process.hrtime.bigint(); const r = orig.apply(this, a); const d = Number(process.hrtime.bigint() - t) / 1000; const k = this.source.slice(0, 140); const e = times.get(k) ?? [0, 0]; e[0] += d; e[1]++; times.set(k, e); return r }
}
const probe = await req(99999); console.log(probe.status, (await probe.text()).slice(0, 300))
if (process.env.CONC) {
  times.clear()
  const ses = new Session(); ses.connect(); if (process.env.PROF) { await ses.post('Profiler.enable'); await ses.post('Profiler.start') }
  const N = 6000; let i = 0; const t0 = performance.now(); const c0 = process.cpuUsage()
  await Promise.all(Array.from({ length: 32 }, async () => { while (i < N) { const r = await req(90000 + i++); if (r.status !== 201) throw new Error(String(r.status)) } }))
  const c = process.cpuUsage(c0)
  console.log('concurrent per request ms', ((performance.now() - t0) / N).toFixed(3), 'cpu us', ((c.user + c.system) / N).toFixed(0))
  for (const [k, [d, n]] of [...times].sort((a, b) => b[1][0] - a[1][0])) console.log((d / N).toFixed(1).padStart(7), 'us/req', (n / N).toFixed(3).padStart(6), k.slice(0, 110))
  if (process.env.PROF) { const { profile } = await ses.post('Profiler.stop'); fs.writeFileSync('/tmp/prof/inproc.cpuprofile', JSON.stringify(profile)) }
  process.exit(0)
}
if (process.env.FRAMES) {
  opened.sqlite.pragma('wal_checkpoint(TRUNCATE)')
  for (let i = 0; i < 1000; i++) await req(70000 + i)
  console.log('wal frames per earn', (fs.statSync(config.dbFile + '-wal').size / 4120 / 1000).toFixed(2)); process.exit(0)
}
if (process.env.PROF) {
  const ses = new Session(); ses.connect(); await ses.post('Profiler.enable'); await ses.post('Profiler.start')
  const t1 = performance.now(); for (let i = 0; i < 4000; i++) await req(50000 + i)
  console.log('prof per request ms', ((performance.now() - t1) / 4000).toFixed(3))
  const { profile } = await ses.post('Profiler.stop'); fs.writeFileSync('/tmp/prof/inproc.cpuprofile', JSON.stringify(profile)); process.exit(0)
}
const N = 3000; const t0 = performance.now(); const c0 = process.cpuUsage()
for (let i = 0; i < N; i++) await req(10000 + i)
{ const c = process.cpuUsage(c0); console.log('per request ms', ((performance.now() - t0) / N).toFixed(3), 'cpu us', ((c.user + c.system) / N).toFixed(0), 'user', (c.user / N).toFixed(0), 'sys', (c.system / N).toFixed(0)) }
for (const [k, [d, n]] of [...times].sort((a, b) => b[1][0] - a[1][0])) console.log((d / N).toFixed(1).padStart(7), 'us/req', String(n / N).padStart(4), k)
