/**
 * The second half of `npm run build`, after `vite build`:
 * 1. Brotli and gzip copies beside every compressible file of the client in dist/ (at their highest
 *    levels: this runs once per release, and server/static.ts serves them by the browser's
 *    Accept-Encoding instead of compressing each request).
 * 2. The server bundled into plain JavaScript, dist-server/index.js (esbuild; every npm package stays
 *    an import, so native modules load as usual), with the push encryption worker beside it, so
 *    production runs `node dist-server/index.js` instead of compiling TypeScript at every start.
 */
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import zlib from 'node:zlib'
import { build } from 'esbuild'
import { COMPRESSIBLE } from '../static.js'

const brotli = promisify(zlib.brotliCompress)
const gzip = promisify(zlib.gzip)
/** Smaller files gain too little to be worth a second and third copy. */
const MIN_BYTES = 512

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))
}

export async function precompress(distDir: string): Promise<{ files: number; bytes: number; br: number }> {
  const files = walk(distDir).filter((f) => COMPRESSIBLE.test(f) && fs.statSync(f).size >= MIN_BYTES)
  let bytes = 0
  let br = 0
  await Promise.all(
    files.map(async (f) => {
      const data = fs.readFileSync(f)
      const [b, g] = await Promise.all([
        brotli(data, {
          params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
          },
        }),
        gzip(data, { level: zlib.constants.Z_BEST_COMPRESSION }),
      ])
      fs.writeFileSync(`${f}.br`, b)
      fs.writeFileSync(`${f}.gz`, g)
      bytes += data.length
      br += b.length
    }),
  )
  return { files: files.length, bytes, br }
}

export async function buildServer(outDir: string): Promise<void> {
  fs.rmSync(outDir, { recursive: true, force: true })
  await build({
    entryPoints: ['server/index.ts'],
    outfile: path.join(outDir, 'index.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  })
  // Loaded by path at run time (server/push/encrypt-pool.ts resolves it next to its own module).
  fs.copyFileSync('server/push/encrypt-worker.cjs', path.join(outDir, 'encrypt-worker.cjs'))
}

const t0 = performance.now()
const c = await precompress('dist')
await buildServer('dist-server')
console.log(
  `build: ${c.files} client files compressed (${(c.bytes / 1024).toFixed(0)} kB, ${(c.br / 1024).toFixed(0)} kB as brotli); server bundled into dist-server/ in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
)
