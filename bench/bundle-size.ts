import fs from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'

interface ManifestChunk {
  file: string
  src?: string
  isEntry?: boolean
  imports?: string[]
  dynamicImports?: string[]
}

/**
 * Gzipped JS a visitor of /cards/:id downloads: the entry, its static imports, and the card
 * view's lazy chunk with its static imports (read from Vite's build manifest).
 */
export function cardRouteJsGzip(distDir = 'dist'): { bytes: number; files: string[] } {
  const manifestPath = path.join(distDir, '.vite', 'manifest.json')
  if (!fs.existsSync(manifestPath))
    throw new Error(`${manifestPath} is missing: build with build.manifest on (npm run build)`)
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Record<string, ManifestChunk>
  const entryKey = Object.keys(manifest).find((k) => manifest[k]!.isEntry && k.endsWith('index.html'))
  const cardKey = Object.keys(manifest).find((k) => /CardView\.vue$/.test(k))
  if (!entryKey || !cardKey) throw new Error('entry or CardView chunk not found in the build manifest')
  const seen = new Set<string>()
  const visit = (key: string) => {
    if (seen.has(key)) return
    seen.add(key)
    for (const i of manifest[key]!.imports ?? []) visit(i)
  }
  visit(entryKey)
  visit(cardKey)
  const files = [...seen].map((k) => manifest[k]!.file).filter((f) => f.endsWith('.js'))
  const bytes = files.reduce((sum, f) => sum + gzipSync(fs.readFileSync(path.join(distDir, f)), { level: 9 }).length, 0)
  return { bytes, files }
}
