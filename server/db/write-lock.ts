import { threadId } from 'node:worker_threads'

/**
 * One SQLite write transaction at a time across the threads of this process.
 *
 * The server writes from two threads (the request thread, and the ledger thread that runs the POS
 * API's earns: see services/ledger-thread.ts), each on its own connection. SQLite keeps that
 * correct by itself: a second BEGIN IMMEDIATE gets SQLITE_BUSY and its busy handler sleeps and
 * retries. But that sleep blocks the whole thread, the request thread included, for a millisecond
 * or more each time. This lock lives in shared memory instead: a thread that wants to write waits
 * for it asynchronously (Atomics.waitAsync), so its event loop goes on serving requests meanwhile,
 * and it takes the SQLite write lock only once the other thread has committed.
 *
 * The cell holds 0 when free, else the holder's thread id + 1, so a thread that dies holding it
 * can be found out and the lock given back (`releaseHeldBy`, by whoever watches that thread).
 */
export class WriteLock {
  private readonly cell: Int32Array
  private readonly me = threadId + 1

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.cell = new Int32Array(buffer)
  }

  async acquire(): Promise<void> {
    for (;;) {
      const holder = Atomics.compareExchange(this.cell, 0, 0, this.me)
      if (holder === 0) return
      const waited = Atomics.waitAsync(this.cell, 0, holder)
      if (waited.async) await waited.value
    }
  }

  release(): void {
    this.releaseHeldBy(this.me - 1)
  }

  /** Frees the lock if the given thread holds it (that thread is gone); true if it did. */
  releaseHeldBy(holderThreadId: number): boolean {
    if (Atomics.compareExchange(this.cell, 0, holderThreadId + 1, 0) !== holderThreadId + 1) return false
    Atomics.notify(this.cell, 0)
    return true
  }
}
