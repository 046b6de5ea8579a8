/**
 * server-rss and server-start: the server process as `npm start` runs it, on a data directory it has
 * migrated before (a restart), beside a bare Hono process (bench/bare-hono.mjs) measured the same way
 * in the same run. Start-up: from spawning the process to its first 200 on /api/health. Memory:
 * resident set (VmRSS) after a few seconds idle. Medians of `runs` starts each. The same server run
 * through the TypeScript loader (tsx, as `npm start` did before the compiled build) is measured too.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { freePort, medianOf, rssMb, serverArgs, startSite, waitForHealth, type ServerMode } from './site.js'

export interface ProcessFigures {
  startMs: number
  rssMb: number
  starts: number[]
  rss: number[]
}

const IDLE_MS = 5000

async function measureBare(): Promise<{ startMs: number; rssMb: number }> {
  const port = await freePort()
  const t0 = performance.now()
  const child = spawn(process.execPath, ['bench/bare-hono.mjs'], {
    env: { ...process.env, PORT: String(port) },
    stdio: 'ignore',
  })
  try {
    const startMs = await waitForHealth(`http://127.0.0.1:${port}`, child, t0, () => '')
    await new Promise((r) => setTimeout(r, IDLE_MS))
    return { startMs, rssMb: rssMb(child.pid!) }
  } finally {
    child.kill('SIGTERM')
  }
}

async function measureServer(mode: ServerMode, dataDir: string) {
  const site = await startSite({ mode, dataDir, args: [], env: { NODE_ENV: 'development' } })
  try {
    await new Promise((r) => setTimeout(r, IDLE_MS))
    return { startMs: site.startMs, rssMb: rssMb(site.pid) }
  } finally {
    await site.stop()
  }
}

const figures = (xs: { startMs: number; rssMb: number }[]): ProcessFigures => ({
  startMs: medianOf(xs.map((x) => x.startMs)),
  rssMb: medianOf(xs.map((x) => x.rssMb)),
  starts: xs.map((x) => Math.round(x.startMs)),
  rss: xs.map((x) => Math.round(x.rssMb)),
})

export async function benchServerProcess(
  runs = 3,
  modes: ServerMode[] = ['compiled', 'tsx'],
): Promise<{ baseline: ProcessFigures } & Partial<Record<ServerMode, ProcessFigures>>> {
  const out: { baseline: ProcessFigures } & Partial<Record<ServerMode, ProcessFigures>> = {
    baseline: { startMs: 0, rssMb: 0, starts: [], rss: [] },
  }
  const dirs = new Map<ServerMode, string>()
  try {
    for (const mode of modes) {
      serverArgs(mode) // fails early when the compiled server is not built
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `lw-bench-proc-${mode}-`))
      dirs.set(mode, dir)
      // The first start migrates the new database and makes the push keys: not what a restart costs.
      await (await startSite({ mode, dataDir: dir, args: [] })).stop()
    }
    const samples = new Map<string, { startMs: number; rssMb: number }[]>()
    const add = (k: string, v: { startMs: number; rssMb: number }) => samples.set(k, [...(samples.get(k) ?? []), v])
    // Alternating, so a busy minute of this machine falls on every side.
    for (let i = 0; i < runs; i++) {
      add('baseline', await measureBare())
      for (const mode of modes) add(mode, await measureServer(mode, dirs.get(mode)!))
    }
    out.baseline = figures(samples.get('baseline')!)
    for (const mode of modes) out[mode] = figures(samples.get(mode)!)
    return out
  } finally {
    for (const dir of dirs.values()) fs.rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1]?.endsWith('server-process.ts')) {
  const modes = (process.env.BENCH_SERVER?.split(',') as ServerMode[] | undefined) ?? ['compiled', 'tsx']
  console.log(JSON.stringify(await benchServerProcess(Number(process.env.BENCH_RUNS ?? 3), modes), null, 2))
}
