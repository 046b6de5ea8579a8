/// <reference lib="webworker" />
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
  type PrecacheEntry,
} from 'workbox-precaching'
import { NavigationRoute, registerRoute } from 'workbox-routing'
import { readAnswer, requestOf, SYNC_TAG, syncQueue, type QueueItem } from '../lib/till-queue.js'

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<PrecacheEntry | string> }

// The app shell and every built asset; the card (with its rotating code) then renders offline.
precacheAndRoute(self.__WB_MANIFEST)
cleanupOutdatedCaches()

// Client-side routes (/cards/..., /join/...) get the shell; the API never does.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/api\//] }))

// The camera decoder is not precached (customers never need it); a till that used it once keeps it, so
// the camera still scans when the network is gone.
const DECODER_CACHE = 'lw-qr-decoder'
registerRoute(
  ({ url }) => url.origin === self.location.origin && /\/assets\/qr-scanner[^/]*\.js$/.test(url.pathname),
  async ({ request }) => {
    const cache = await caches.open(DECODER_CACHE)
    const hit = await cache.match(request)
    if (hit) return hit
    const res = await fetch(request)
    if (res.ok) await cache.put(request, res.clone())
    return res
  },
)

// Scans a till queued offline, sent when the browser says the network is back (Background Sync).
async function sendQueued(item: QueueItem) {
  try {
    const res = await fetch('/api/staff/queued-scans', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': item.key },
      body: JSON.stringify(requestOf(item)),
      credentials: 'same-origin',
    })
    const text = await res.text()
    return readAnswer(res.status, text ? (JSON.parse(text) as unknown) : null)
  } catch {
    return readAnswer(0, null)
  }
}
self.addEventListener('sync', (event) => {
  const e = event as ExtendableEvent & { tag?: string }
  if (e.tag !== SYNC_TAG) return
  // Rejecting makes the browser try again later, when something is still waiting.
  e.waitUntil(
    syncQueue(sendQueued).then((r) => {
      if (r === 'stop') throw new Error('the till queue is still waiting')
    }),
  )
})

// registerType 'prompt': the page asks us to take over only when the user chose "Reload".
self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting()
})

interface PushPayload {
  title?: string
  body?: string
  icon?: string
  badge?: string
  tag?: string
  url?: string
  merchantName?: string
  merchant?: { name?: string }
  notificationId?: string
  data?: { url?: string } & Record<string, unknown>
}

function parsePayload(event: PushEvent): PushPayload {
  if (!event.data) return {}
  try {
    const value: unknown = event.data.json()
    return value && typeof value === 'object' ? (value as PushPayload) : {}
  } catch {
    return { body: event.data.text() }
  }
}

// The merchant's name is the title, so the member sees at a glance who wrote; the message follows.
self.addEventListener('push', (event) => {
  const p = parsePayload(event)
  const merchant = p.merchantName || p.merchant?.name
  const title = merchant || p.title || 'Loyalty Wallet'
  const body = merchant && p.title && p.title !== merchant ? `${p.title}\n${p.body ?? ''}`.trim() : (p.body ?? '')
  const url = p.data?.url || p.url || '/'
  const options: NotificationOptions = {
    body,
    icon: p.icon || '/pwa-192x192.png',
    badge: p.badge || '/favicon-32x32.png',
    data: { ...p.data, url, notificationId: p.notificationId ?? null },
  }
  // Same tag (merchant and kind): a newer notification replaces the older one.
  if (p.tag) options.tag = p.tag
  event.waitUntil(self.registration.showNotification(title, options))
})

/** Counts the click (once per notification on the server); never blocks opening the screen. */
async function reportClick(notificationId: unknown): Promise<void> {
  if (typeof notificationId !== 'string' || !notificationId) return
  try {
    await fetch('/api/push/clicks', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ notificationId }),
      credentials: 'same-origin',
    })
  } catch {
    /* offline: the click still opens the screen */
  }
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  const data = (event.notification.data as { url?: string; notificationId?: string } | null) ?? {}
  const raw = data.url || '/'
  const target = new URL(raw, self.location.origin)
  // Only our own pages: a payload must not be able to open arbitrary sites.
  if (target.origin !== self.location.origin) target.href = new URL('/', self.location.origin).href

  const work = (async () => {
    const report = reportClick(data.notificationId)
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
    const exact = windows.find((w) => w.url === target.href)
    if (exact) await exact.focus().catch(() => exact)
    else {
      const ours = windows.find((w) => new URL(w.url).origin === target.origin)
      if (ours) {
        const focused = await ours.focus().catch(() => ours)
        await focused.navigate(target.href).catch(() => self.clients.openWindow(target.href))
      } else await self.clients.openWindow(target.href)
    }
    await report
  })()
  try {
    event.waitUntil(work)
  } catch {
    // Only an untrusted event (one a test dispatches) cannot be extended; the work still runs.
  }
})
