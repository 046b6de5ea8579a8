import type { MiddlewareHandler } from 'hono'
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

const hono = secureHeaders({ crossOriginEmbedderPolicy: false, xFrameOptions: 'DENY' })

/** Hono's secure headers (X-Frame-Options DENY tells old browsers frame-ancestors 'none') and our policies. */
export const securityHeaders: MiddlewareHandler = (c, next) =>
  hono(c, async () => {
    await next()
    // On the answer's own headers, not c.header(): once the answer is made, c.header() rebuilds it
    // around its body stream, and @hono/node-server then sends every answer down its slow streaming
    // path (the card read over HTTP was 0.10 of a bare route with it; bench card-read-http).
    c.res.headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    c.res.headers.set('Permissions-Policy', PERMISSIONS_POLICY)
  })
