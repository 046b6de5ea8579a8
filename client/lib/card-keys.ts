/**
 * Each card's code secret as a non-extractable WebCrypto key, kept in IndexedDB (a CryptoKey is
 * stored as itself: the browser keeps the key material, and exportKey refuses it). localStorage
 * holds the cards without their secrets, so neither storage nor page script can read a secret back,
 * and the code still draws offline. Where IndexedDB is unavailable (some private modes) the key
 * lives in memory for the session: the code draws until the app is closed, and again once online.
 */
import { importCardSecret } from './totp.js'

const DB_NAME = 'lw-card-keys'
const STORE = 'keys'

const memory = new Map<string, CryptoKey>()
let opening: Promise<IDBDatabase | null> | null = null

function open(): Promise<IDBDatabase | null> {
  opening ??= new Promise((resolve) => {
    try {
      const req = indexedDB.open(DB_NAME, 1)
      req.onupgradeneeded = () => req.result.createObjectStore(STORE)
      req.onsuccess = () => resolve(req.result)
      req.onerror = () => resolve(null)
      req.onblocked = () => resolve(null)
    } catch {
      resolve(null)
    }
  })
  return opening
}

/** One request on the store; null when IndexedDB is not there or the request fails. */
async function request<T>(mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest): Promise<T | null> {
  const db = await open()
  if (!db) return null
  return new Promise((resolve) => {
    try {
      const tx = db.transaction(STORE, mode)
      const req = run(tx.objectStore(STORE))
      tx.oncomplete = () => resolve((req.result as T) ?? null)
      tx.onerror = () => resolve(null)
      tx.onabort = () => resolve(null)
    } catch {
      resolve(null)
    }
  })
}

/**
 * Turns a card's secret into its key and keeps it; false if the secret does not decode. `onUsable`
 * runs as soon as the key is held in memory, before IndexedDB has written it (tens to hundreds of
 * milliseconds on a first visit, which creates the database), so the card draws its code at once.
 */
export async function saveCardKey(cardId: string, secretBase32: string, onUsable?: () => void): Promise<boolean> {
  const key = await importCardSecret(secretBase32).catch(() => null)
  if (!key) return false
  memory.set(cardId, key)
  onUsable?.()
  await request('readwrite', (s) => s.put(key, cardId))
  return true
}

/** The card's key, or null when this device has none (never saved, or deleted on sign-out). */
export async function cardKey(cardId: string): Promise<CryptoKey | null> {
  const held = memory.get(cardId)
  if (held) return held
  const stored = await request<CryptoKey>('readonly', (s) => s.get(cardId))
  if (stored instanceof CryptoKey) memory.set(cardId, stored)
  return stored instanceof CryptoKey ? stored : null
}

export async function deleteCardKey(cardId: string): Promise<void> {
  memory.delete(cardId)
  await request('readwrite', (s) => s.delete(cardId))
}

/** Forgets this device's keys for every card (signed out: the server rotated the secrets anyway). */
export async function deleteAllCardKeys(): Promise<void> {
  memory.clear()
  await request('readwrite', (s) => s.clear())
}

/** Another tab may have replaced a key: read IndexedDB again next time (when there is one). */
export async function forgetCachedKeys(): Promise<void> {
  if (await open()) memory.clear()
}
