import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * Web Push encryption (a fresh P-256 key pair, ECDH and HKDF per message, then AES-128-GCM) is
 * what a fan-out spends most of its CPU on. This pool runs web-push's generateRequestDetails in
 * worker threads, so the sender's own thread keeps the HTTP connections and the database busy
 * while other cores encrypt. With no threads (a one-core machine) it encrypts inline.
 */
export interface EncryptJob {
  endpoint: string
  p256dh: string
  auth: string
  payload: string
  /** Sent as-is: Authorization (the cached VAPID JWT), TTL, Urgency, Topic. */
  authorization: string
  ttl: number
  urgency: 'very-low' | 'low' | 'normal' | 'high'
  topic: string
}

export type EncryptResult =
  | { ok: true; endpoint: string; headers: Record<string, string>; body: Uint8Array }
  | { ok: false; error: string }

const require = createRequire(import.meta.url)
const WORKER_FILE = require.resolve('./encrypt-worker.cjs')
/** One job, on this thread. */
export const encryptOne = (require(WORKER_FILE) as { encryptOne: (j: EncryptJob) => EncryptResult }).encryptOne

interface Pending {
  resolve: (r: EncryptResult[]) => void
  reject: (err: Error) => void
}

export class EncryptPool {
  private readonly workers: Worker[] = []
  private readonly pending = new Map<number, Pending>()
  private nextId = 0
  private nextWorker = 0

  constructor(readonly threads: number) {
    for (let i = 0; i < threads; i++) {
      // execArgv: [] so a worker does not load the TypeScript loader the main thread may run under.
      const w = new Worker(WORKER_FILE, { execArgv: [] })
      w.unref() // an idle pool never keeps the process alive
      w.on('message', (m: { id: number; results: EncryptResult[] }) => {
        const p = this.pending.get(m.id)
        this.pending.delete(m.id)
        p?.resolve(m.results)
      })
      w.on('error', (err) => this.failAll(err))
      this.workers.push(w)
    }
  }

  /** Encrypts jobs in order; one message to one worker per call, so call with a few dozen at a time. */
  encrypt(jobs: EncryptJob[]): Promise<EncryptResult[]> {
    if (this.workers.length === 0 || jobs.length === 0) return Promise.resolve(jobs.map(encryptOne))
    const id = this.nextId++
    const worker = this.workers[this.nextWorker++ % this.workers.length]!
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      worker.postMessage({ id, jobs })
    })
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err)
    this.pending.clear()
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()))
    this.workers.length = 0
  }
}

let shared: EncryptPool | null = null

/** The process's pool, started on first use and shared by every sender. */
export function sharedEncryptPool(threads: number): EncryptPool {
  if (!shared || shared.threads !== threads) {
    void shared?.close()
    shared = new EncryptPool(threads)
  }
  return shared
}

/** Stops the shared pool's threads (shutdown, the end of a benchmark); the next sender starts a new one. */
export async function closeSharedEncryptPool(): Promise<void> {
  const pool = shared
  shared = null
  await pool?.close()
}
