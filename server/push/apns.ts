import http2 from 'node:http2'

/**
 * Apple Push Notification service over HTTP/2 for Wallet passes: the TLS client certificate is the
 * operator's Pass Type ID certificate, the topic the pass type id, the payload empty; the device
 * then asks our web service for what changed. One session per origin, reused while it lives.
 */
export interface ApnsTarget {
  url: string
  certPem: string
  keyPem: string
  keyPassphrase: string | null
  /** A CA to trust for a stand-in's TLS certificate (staging, tests); the system's by default. */
  ca: string | null
}

export interface ApnsResult {
  status: number
  reason: string | null
}

const REQUEST_TIMEOUT_MS = 15_000

export class ApnsClient {
  private session: http2.ClientHttp2Session | null = null
  /** Why the session failed (a TLS refusal, a refused connection): what the pushes on it report. */
  private sessionError: string | null = null

  constructor(private readonly target: ApnsTarget) {}

  private connect(): http2.ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session
    const t = this.target
    const s = http2.connect(t.url, {
      cert: t.certPem,
      key: t.keyPem,
      passphrase: t.keyPassphrase ?? undefined,
      ...(t.ca ? { ca: t.ca } : {}),
    })
    this.sessionError = null
    s.on('error', (err) => {
      this.sessionError = err.message
      s.destroy()
    })
    s.on('goaway', () => s.close())
    s.unref()
    this.session = s
    return s
  }

  /** Pushes "this pass changed" to one device; status 0 means no answer (network). */
  send(pushToken: string, topic: string): Promise<ApnsResult> {
    return new Promise((resolve) => {
      let req: http2.ClientHttp2Stream
      try {
        req = this.connect().request({
          ':method': 'POST',
          ':path': `/3/device/${encodeURIComponent(pushToken)}`,
          'apns-topic': topic,
          'content-type': 'application/json',
        })
      } catch (err) {
        return resolve({ status: 0, reason: `network: ${(err as Error).message}` })
      }
      let status = 0
      let body = ''
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.close(http2.constants.NGHTTP2_CANCEL))
      req.on('response', (h) => (status = Number(h[':status'])))
      req.setEncoding('utf8')
      req.on('data', (d: string) => (body += d))
      req.on('error', (err) => resolve({ status: 0, reason: `network: ${err.message}` }))
      req.on('close', () => {
        let reason: string | null = null
        try {
          reason = body ? ((JSON.parse(body) as { reason?: string }).reason ?? null) : null
        } catch {
          reason = body.slice(0, 200)
        }
        const why = reason ?? this.sessionError ?? 'no answer'
        resolve({ status, reason: status === 0 ? `network: ${why}` : reason })
      })
      req.end('{}')
    })
  }

  close(): void {
    this.session?.close()
    this.session = null
  }
}
