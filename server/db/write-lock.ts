/**
 * One SQLite write transaction at a time across the threads of this process.
 *
 * The server writes from two threads (the request thread, and the ledger thread that runs the POS
 * API's earns: see services/ledger-thread.ts), each on its own connection. SQLite keeps that
 * correct by itself: a second BEGIN IMMEDIATE gets SQLITE_BUSY and its busy handler sleeps and
 * retries. But that sleep blocks the whole thread, the request thread included, for a millisecond
 * or more each time. This lock lives in shared memory instead: a thread that wants to write waits
 * for it asynchronously (Atomics.waitAsync), so its event loop goes on serving requests meanwhile,
 * and it takes the SQLite write lock only once the other thread has committed. Hand-off is fair
 * enough for two threads: whoever is woken first takes it.
 */
export class WriteLock {
  private readonly cell: Int32Array

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.cell = new Int32Array(buffer)
  }

  async acquire(): Promise<void> {
    for (;;) {
      if (Atomics.compareExchange(this.cell, 0, 0, 1) === 0) return
      const waited = Atomics.waitAsync(this.cell, 0, 1)
      if (waited.async) await waited.value
    }
  }

  release(): void {
    Atomics.store(this.cell, 0, 0)
    Atomics.notify(this.cell, 0, 1)
  }
}
