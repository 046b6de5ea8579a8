import { promisify } from 'node:util'
import zlib from 'node:zlib'
import type { MiddlewareHandler } from 'hono'

/** Below this a compressed answer saves less than its headers and the CPU cost. */
export const COMPRESS_MIN_BYTES = 1024
/** Up to this size compressing on the request's thread is quicker than a trip to libuv's pool. */
const SYNC_MAX_BYTES = 16 * 1024

const brotli = promisify(zlib.brotliCompress)
const gzip = promisify(zlib.gzip)
// Brotli's default (11) is for build time; 4 is about gzip's speed, and smaller.
const BROTLI = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }

/** The encoding to answer with: brotli, else gzip, as the client accepts them (q=0 refuses). */
export function chooseEncoding(accept: string | undefined): 'br' | 'gzip' | null {
  if (!accept) return null
  const q = new Map<string, number>()
  for (const part of accept.split(',')) {
    const [name = '', ...params] = part.split(';').map((x) => x.trim().toLowerCase())
    const weight = params.find((p) => p.startsWith('q='))
    q.set(name, weight ? Number(weight.slice(2)) || 0 : 1)
  }
  const br = q.get('br') ?? q.get('*') ?? 0
  const gz = q.get('gzip') ?? q.get('x-gzip') ?? q.get('*') ?? 0
  if (br > 0 && br >= gz) return 'br'
  return gz > 0 ? 'gzip' : null
}

/**
 * Compresses JSON answers of the API above COMPRESS_MIN_BYTES, for clients that accept it. Only
 * whole JSON bodies: a streamed CSV export goes out as it is produced (compressing it here would
 * hold it back), and answers that say no-transform are left alone.
 */
export const compressJson: MiddlewareHandler = async (c, next) => {
  await next()
  const encoding = chooseEncoding(c.req.header('accept-encoding'))
  if (!encoding || c.req.method === 'HEAD') return
  const res = c.res
  if (!res.body || res.headers.has('content-encoding')) return
  if (!res.headers.get('content-type')?.startsWith('application/json')) return
  if (/no-transform/i.test(res.headers.get('cache-control') ?? '')) return
  const body = Buffer.from(await res.arrayBuffer())
  let out: Buffer = body
  if (body.length >= COMPRESS_MIN_BYTES) {
    if (body.length <= SYNC_MAX_BYTES) {
      out = encoding === 'br' ? zlib.brotliCompressSync(body, BROTLI) : zlib.gzipSync(body)
    } else {
      out = encoding === 'br' ? await brotli(body, BROTLI) : await gzip(body)
    }
  }
  const compressed = new Response(out, { status: res.status, headers: res.headers })
  compressed.headers.delete('Content-Length')
  if (out !== body) compressed.headers.set('Content-Encoding', encoding)
  compressed.headers.append('Vary', 'Accept-Encoding')
  // Replace the answer outright: assigned over an existing one, Hono rebuilds it around its body
  // stream, which @hono/node-server can only send down its slow streaming path.
  c.res = undefined
  c.res = compressed
}
