/// <reference lib="webworker" />
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching'
import { NavigationRoute, registerRoute } from 'workbox-routing'

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<PrecacheEntry | string> }

// The app shell and every built asset; the card (with its rotating code) then renders offline.
precacheAndRoute(self.__WB_MANIFEST)
cleanupOutdatedCaches()

// Client-side routes (/cards/..., /join/...) get the shell; the API never does.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/api\//] }))

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

self.addEventListener('push', (event) => {
  const p = parsePayload(event)
  const title = p.title || p.merchantName || p.merchant?.name || 'Loyalty Wallet'
  const url = p.data?.url || p.url || '/'
  const options: NotificationOptions = {
    body: p.body ?? '',
    icon: p.icon || '/pwa-192x192.png',
    badge: p.badge || '/favicon-32x32.png',
    data: { ...p.data, url },
  }
  if (p.tag) options.tag = p.tag
  event.waitUntil(self.registration.showNotification(title, options))
})

self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  const raw = (event.notification.data as { url?: string } | null)?.url || '/'
  const target = new URL(raw, self.location.origin)
  // Only our own pages: a payload must not be able to open arbitrary sites.
  if (target.origin !== self.location.origin) target.href = new URL('/', self.location.origin).href

  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
      const exact = windows.find((w) => w.url === target.href)
      if (exact) return void (await exact.focus())
      const ours = windows.find((w) => new URL(w.url).origin === target.origin)
      if (ours) {
        const focused = await ours.focus()
        return void (await focused.navigate(target.href).catch(() => self.clients.openWindow(target.href)))
      }
      await self.clients.openWindow(target.href)
    })(),
  )
})
