/**
 * Scans the till recorded while offline, kept in IndexedDB so they survive closing the app, and sent
 * one by one when the network returns: by the scanner page (on open, on the `online` event) or by
 * the service worker (Background Sync, where the browser has it). No Vue here: the service worker
 * imports this file too. Each item carries its own Idempotency-Key, so a send that is repeated (the
 * answer was lost, or the page and the worker both tried) is recorded once.
 */

/** What the till shows of the server's answer (server/contract/staff.ts QueuedScanResponse; declared here, as the service worker's build sees only this folder and its own). */
export interface QueuedScanResult {
  cardNumber: string
  memberName: string
  balance: number
  entry: { points: number } | null
  stamps: { filled: number; required: number } | null
  couponTitle: string | null
}

export type QueuedAction = { kind: 'earn'; amountMinor: number; discountMinor?: number } | { kind: 'stamp' }

export interface QueueItem {
  /** The Idempotency-Key, also the item's key in the store. */
  key: string
  /** The code as captured (QR payload or typed short code). */
  code: string
  cardNumber: string
  /** When the till read the code (its clock), UTC ISO. */
  capturedAt: string
  /** Where the till stood then (its location), when the business has locations. */
  locationId?: string
  action: QueuedAction
  state: 'waiting' | 'synced' | 'refused'
  /** The server's answer once synced. */
  result: QueuedScanResult | null
  /** The error code when refused (code_used, code_invalid, capture_too_old, ...). */
  refusal: string | null
  updatedAt: string
}

/** What one send came to: recorded, refused for good, or stop for now (offline, 5xx, signed out, rate limited). */
export type SendResult =
  | { kind: 'synced'; body: QueuedScanResult }
  | { kind: 'refused'; code: string }
  | { kind: 'stop'; reason: 'offline' | 'unauthenticated' | 'later' }

export const SYNC_TAG = 'lw-till-queue'
/** localStorage: the stamp card the till last saw, so offline it knows whether a stamp can be queued. */
export const STAMP_CARD_KEY = 'lw.till.stampCard'
const DB_NAME = 'lw-till'
const STORE = 'queue'
const CHANNEL = 'lw-till-queue'

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1)
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key' })
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error ?? new Error('IndexedDB did not open'))
  })
}

async function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T> | void): Promise<T> {
  const db = await open()
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode)
      const req = work(tx.objectStore(STORE))
      // Resolve on commit: an item written is on disk before the till says "recorded".
      tx.oncomplete = () => resolve((req ? req.result : undefined) as T)
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB write failed'))
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB write aborted'))
    })
  } finally {
    db.close()
  }
}

/** Every item, oldest capture first. */
export async function queueItems(): Promise<QueueItem[]> {
  const all = await run<QueueItem[]>('readonly', (s) => s.getAll() as IDBRequest<QueueItem[]>)
  return all.sort((a, b) => (a.capturedAt < b.capturedAt ? -1 : a.capturedAt > b.capturedAt ? 1 : 0))
}

export async function putItem(item: QueueItem): Promise<void> {
  await run('readwrite', (s) => s.put(item))
  announce()
}

/** Forgets the items already synced or refused (the ledger and the staff alerts keep them). */
export async function clearDone(): Promise<void> {
  const done = (await queueItems()).filter((i) => i.state !== 'waiting')
  await run('readwrite', (s) => {
    for (const i of done) s.delete(i.key)
  })
  announce()
}

/** Tells the other pages and the service worker that the queue changed. */
function announce() {
  if (typeof BroadcastChannel === 'undefined') return
  const ch = new BroadcastChannel(CHANNEL)
  ch.postMessage('changed')
  ch.close()
}

export function onQueueChange(listener: () => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined
  const ch = new BroadcastChannel(CHANNEL)
  ch.onmessage = () => listener()
  return () => ch.close()
}

/**
 * Sends the waiting items, oldest first, until one says stop. One sender at a time across the page and
 * the service worker (a Web Lock where there is one; the keys make a double send harmless anyway).
 */
export async function syncQueue(send: (item: QueueItem) => Promise<SendResult>): Promise<SendResult['kind'] | 'idle'> {
  const work = async (): Promise<SendResult['kind'] | 'idle'> => {
    let last: SendResult['kind'] | 'idle' = 'idle'
    for (const item of await queueItems()) {
      if (item.state !== 'waiting') continue
      const r = await send(item)
      if (r.kind === 'stop') return 'stop'
      const at = new Date().toISOString()
      await putItem(
        r.kind === 'synced'
          ? { ...item, state: 'synced', result: r.body, updatedAt: at }
          : { ...item, state: 'refused', refusal: r.code, updatedAt: at },
      )
      last = r.kind
    }
    return last
  }
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks
  if (!locks) return work()
  return (await locks.request(SYNC_TAG, { ifAvailable: true }, async (lock: Lock | null) =>
    lock ? work() : 'idle',
  )) as SendResult['kind'] | 'idle'
}

/** How an HTTP answer to a queued scan reads: 201 synced; a refusal of this scan; or stop and try later. */
export function readAnswer(status: number, body: unknown): SendResult {
  if (status === 201) return { kind: 'synced', body: body as QueuedScanResult }
  if (status === 401) return { kind: 'stop', reason: 'unauthenticated' }
  if (status === 0 || status === 408 || status === 429 || status >= 500) return { kind: 'stop', reason: 'later' }
  const code = (body as { error?: { code?: unknown } } | null)?.error?.code
  return { kind: 'refused', code: typeof code === 'string' ? code : 'internal_error' }
}

/** The request body of an item. */
export const requestOf = (item: QueueItem) => ({
  code: item.code,
  capturedAt: item.capturedAt,
  ...(item.locationId ? { locationId: item.locationId } : {}),
  action: item.action,
})
