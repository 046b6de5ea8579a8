import { Hono } from 'hono'
import { secureHeaders } from 'hono/secure-headers'

/**
 * The Content-Security-Policy of every answer (pages, assets, the API). Everything comes from our
 * own origin: no inline script, no inline style sheet, no eval, no other host. Page script is what
 * could read a card's code or act with the member's session, so the only script is our bundle.
 * - img-src: logos are served by us (/api/merchants/:slug/logo), QR codes are inline SVG; blob: for
 *   a logo previewed before upload.
 * - worker-src: the service worker, and the camera's QR decoder, which qr-scanner starts from a
 *   blob: URL where the browser has no BarcodeDetector (staff only).
 * - frame-ancestors 'none': no other site frames the wallet (clickjacking a "redeem" button).
 * Every e2e test fails on a violation report (tests/e2e/harness.ts); csp-and-secrets.test.ts walks
 * every screen under it.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self' blob:",
  "media-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
].join('; ')

/**
 * Powerful features: the camera for our own origin (the till's scanner); the screen wake lock (the
 * card), passkeys, the clipboard and sharing (invite links) likewise; everything else off.
 */
export const PERMISSIONS_POLICY = [
  'camera=(self)',
  'screen-wake-lock=(self)',
  'publickey-credentials-get=(self)',
  'publickey-credentials-create=(self)',
  'clipboard-write=(self)',
  'web-share=(self)',
  'microphone=()',
  'geolocation=()',
  'payment=()',
  'usb=()',
  'serial=()',
  'bluetooth=()',
  'hid=()',
  'midi=()',
  'display-capture=()',
  'fullscreen=()',
  'accelerometer=()',
  'gyroscope=()',
  'magnetometer=()',
  'browsing-topics=()',
].join(', ')

/**
 * Every answer's secure headers, worked out once: Hono's secure headers (X-Frame-Options DENY tells
 * old browsers frame-ancestors 'none') and our two policies. They are the same for every answer, so
 * they are put on Node's response (server/listen.ts) rather than on each answer's Headers object:
 * setting a dozen headers there cost a bare JSON route about half its speed (bench card-read-http).
 */
export const SECURITY_HEADERS: readonly (readonly [string, string])[] = await (async () => {
  const probe = new Hono()
  probe.use('*', secureHeaders({ crossOriginEmbedderPolicy: false, xFrameOptions: 'DENY' }))
  probe.get('*', (c) => c.body(null))
  const res = await probe.request('/')
  return [
    ...[...res.headers].filter(([name]) => name !== 'content-type'),
    ['content-security-policy', CONTENT_SECURITY_POLICY],
    ['permissions-policy', PERMISSIONS_POLICY],
  ] as const
})()
