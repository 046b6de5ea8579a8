/**
 * The built app as `npm start` runs it, for the benchmarks that look at it from outside (Lighthouse,
 * the JS each route transfers, memory and start-up): its own data directory, the demo café seeded,
 * and a member who joined it, so the card route has a card to show.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

/** How the server runs: `compiled` is `npm start` (node on dist-server/), `tsx` the TypeScript loader. */
export type ServerMode = 'compiled' | 'tsx'

export const COMPILED_ENTRY = 'dist-server/index.js'

export function serverArgs(mode: ServerMode): string[] {
  if (mode === 'compiled') {
    if (!fs.existsSync(COMPILED_ENTRY)) throw new Error(`${COMPILED_ENTRY} is missing: run \`npm run build\``)
    return [COMPILED_ENTRY]
  }
  return ['--import', 'tsx', 'server/index.ts']
}

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })

export interface Site {
  url: string
  pid: number
  dataDir: string
  /** Milliseconds from spawning the process to its first answer on /api/health. */
  startMs: number
  stop(): Promise<void>
}

/** Polls `url` until it answers 200; resolves with the time it took from `t0`. */
export async function waitForHealth(url: string, child: ChildProcess, t0: number, out: () => string) {
  const deadline = Date.now() + 120_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${out()}`)
    try {
      const res = await fetch(`${url}/api/health`)
      if (res.ok) return performance.now() - t0
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not start:\n${out()}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** Starts the server on a data directory (a new one unless given), with `args` (default: --demo). */
export async function startSite(
  opts: { mode?: ServerMode; args?: string[]; dataDir?: string; env?: Record<string, string> } = {},
): Promise<Site> {
  const port = await freePort()
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'lw-bench-site-'))
  const url = `http://127.0.0.1:${port}`
  let out = ''
  const t0 = performance.now()
  const child = spawn(process.execPath, [...serverArgs(opts.mode ?? 'compiled'), ...(opts.args ?? ['--demo'])], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, PUBLIC_URL: url, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  const startMs = await waitForHealth(url, child, t0, () => out)
  return {
    url,
    pid: child.pid!,
    dataDir,
    startMs,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await new Promise((r) => child.once('exit', r))
      }
      if (!opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** A member joins the demo café: the session cookie and the card's id. */
export async function joinDemo(url: string, name = 'Bench Member'): Promise<{ cookie: string; cardId: string }> {
  const res = await fetch(`${url}/api/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ slug: 'demo', name, marketingConsent: false }),
  })
  if (res.status !== 201) throw new Error(`join answered ${res.status}: ${await res.text()}`)
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]!)[0]!
  const body = (await res.json()) as { card: { id: string } }
  return { cookie, cardId: body.card.id }
}

/** Resident memory of a process (VmRSS), in MB. */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN)
  return kb / 1024
}

export const medianOf = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
