import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chooseEncoding, COMPRESS_MIN_BYTES } from '../../server/middleware/compress.js'
import { serveClient } from '../../server/static.js'
import { makeTestApp, type TestApp } from '../helpers/test-app.js'

/*
 * What a phone on mobile data receives: the API's JSON compressed above a small size, the built
 * client's brotli or gzip copies (server/tools/build.ts writes them) chosen by Accept-Encoding with
 * Vary, hashed assets cached for a year, index.html and the service worker revalidated every time.
 */

const bytes = async (res: Response) => Buffer.from(await res.arrayBuffer())

describe('JSON answers', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await makeTestApp()
  })
  afterAll(() => t.close())

  it('are brotli or gzip above the threshold, as the client accepts, and plain below it or when refused', async () => {
    const plain = await t.app.request('http://localhost:3000/api/openapi.json')
    const text = await bytes(plain)
    expect(plain.headers.get('content-encoding')).toBeNull()
    expect(text.length).toBeGreaterThan(COMPRESS_MIN_BYTES)

    const br = await t.app.request('http://localhost:3000/api/openapi.json', {
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    })
    expect(br.headers.get('content-encoding')).toBe('br')
    expect(br.headers.get('vary')).toMatch(/accept-encoding/i)
    const brBody = await bytes(br)
    expect(brBody.length).toBeLessThan(text.length / 3)
    expect(zlib.brotliDecompressSync(brBody).equals(text)).toBe(true)

    const gz = await t.app.request('http://localhost:3000/api/openapi.json', { headers: { 'accept-encoding': 'gzip' } })
    expect(gz.headers.get('content-encoding')).toBe('gzip')
    expect(zlib.gunzipSync(await bytes(gz)).equals(text)).toBe(true)

    const refused = await t.app.request('http://localhost:3000/api/openapi.json', {
      headers: { 'accept-encoding': 'br;q=0, gzip;q=0' },
    })
    expect(refused.headers.get('content-encoding')).toBeNull()

    const small = await t.app.request('http://localhost:3000/api/health', { headers: { 'accept-encoding': 'br' } })
    expect(small.headers.get('content-encoding')).toBeNull()
    expect(small.headers.get('vary')).toMatch(/accept-encoding/i)
    expect(await small.json()).toMatchObject({ status: 'ok' })
  })

  it('chooses brotli, then gzip, by the weights the client gives', () => {
    expect(chooseEncoding(undefined)).toBeNull()
    expect(chooseEncoding('gzip, deflate, br, zstd')).toBe('br')
    expect(chooseEncoding('gzip;q=1, br;q=0.5')).toBe('gzip')
    expect(chooseEncoding('br;q=0, gzip')).toBe('gzip')
    expect(chooseEncoding('identity')).toBeNull()
    expect(chooseEncoding('*')).toBe('br')
  })
})

describe('the built client', () => {
  const dist = path.resolve('.tmp', `static-test-${process.pid}`)
  const app = new Hono()
  const js = 'console.log("the card screen");\n'.repeat(100)
  const html = '<!doctype html><title>Loyalty Wallet</title>' + '<p>wallet</p>'.repeat(100)
  beforeAll(() => {
    fs.mkdirSync(path.join(dist, 'assets'), { recursive: true })
    const write = (name: string, body: string, compressed = true) => {
      fs.writeFileSync(path.join(dist, name), body)
      if (!compressed) return
      fs.writeFileSync(path.join(dist, `${name}.br`), zlib.brotliCompressSync(body))
      fs.writeFileSync(path.join(dist, `${name}.gz`), zlib.gzipSync(body))
    }
    write('assets/CardView-abc123.js', js)
    write('index.html', html)
    write('sw.js', js)
    fs.writeFileSync(path.join(dist, 'pwa-192x192.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]))
    serveClient(app, dist)
  })
  afterAll(() => fs.rmSync(dist, { recursive: true, force: true }))

  it('sends the precompressed copy the browser accepts, with Vary, and hashed assets cached for a year', async () => {
    const br = await app.request('/assets/CardView-abc123.js', { headers: { 'accept-encoding': 'gzip, br' } })
    expect(br.status).toBe(200)
    expect(br.headers.get('content-encoding')).toBe('br')
    expect(br.headers.get('content-type')).toMatch(/javascript/)
    expect(br.headers.get('vary')).toMatch(/accept-encoding/i)
    expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(zlib.brotliDecompressSync(await bytes(br)).toString()).toBe(js)

    const gz = await app.request('/assets/CardView-abc123.js', { headers: { 'accept-encoding': 'gzip' } })
    expect(gz.headers.get('content-encoding')).toBe('gzip')
    expect(zlib.gunzipSync(await bytes(gz)).toString()).toBe(js)

    const plain = await app.request('/assets/CardView-abc123.js')
    expect(plain.headers.get('content-encoding')).toBeNull()
    expect(plain.headers.get('vary')).toMatch(/accept-encoding/i)
    expect((await bytes(plain)).toString()).toBe(js)
  })

  it('revalidates index.html (also for app routes) and the service worker on every use', async () => {
    for (const url of ['/', '/cards/some-card', '/staff/login']) {
      const res = await app.request(url, { headers: { 'accept-encoding': 'br' } })
      expect(res.status, url).toBe(200)
      expect(res.headers.get('cache-control'), url).toBe('no-cache')
      expect(res.headers.get('content-encoding'), url).toBe('br')
      expect(res.headers.get('content-type'), url).toMatch(/text\/html/)
      expect(zlib.brotliDecompressSync(await bytes(res)).toString(), url).toBe(html)
    }
    const sw = await app.request('/sw.js', { headers: { 'accept-encoding': 'gzip' } })
    expect(sw.headers.get('cache-control')).toBe('no-cache')
    expect(sw.headers.get('content-encoding')).toBe('gzip')
    const png = await app.request('/pwa-192x192.png', { headers: { 'accept-encoding': 'br' } })
    expect(png.headers.get('content-encoding')).toBeNull()
    expect(png.headers.get('vary')).toBeNull()
    expect((await app.request('/api/nothing-here')).status).toBe(404)
    const missing = await app.request('/assets/Gone-000000.js')
    expect(missing.status).toBe(404)
    expect(missing.headers.get('cache-control')).toBeNull()
  })
})
