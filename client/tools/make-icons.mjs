// Renders the PWA icons (PNG) and favicon (SVG) into public/. Run: node client/tools/make-icons.mjs
// Uses pngjs (already present as a dependency of qrcode) and plain supersampled rasterising,
// so no image tooling has to be installed.
import { createRequire } from 'node:module'
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

// pngjs is resolved through qrcode, which depends on it.
const require = createRequire(createRequire(import.meta.url).resolve('qrcode/package.json'))
const { PNG } = require('pngjs')
const publicDir = fileURLToPath(new URL('../../public/', import.meta.url))

const COLORS = {
  bgTop: [79, 70, 229], // #4f46e5
  bgBottom: [55, 48, 163], // #3730a3
  backCard: [165, 180, 252], // #a5b4fc
  card: [255, 255, 255],
  star: [245, 158, 11], // #f59e0b
  line: [199, 210, 254], // #c7d2fe
  lineDark: [67, 56, 202], // #4338ca
}

const roundedRect =
  (cx, cy, w, h, r, angle = 0) =>
  (x, y) => {
    const c = Math.cos(-angle)
    const s = Math.sin(-angle)
    const dx = x - cx
    const dy = y - cy
    const px = Math.abs(dx * c - dy * s)
    const py = Math.abs(dx * s + dy * c)
    const qx = px - (w / 2 - r)
    const qy = py - (h / 2 - r)
    if (qx <= 0 || qy <= 0) return px <= w / 2 && py <= h / 2
    return qx * qx + qy * qy <= r * r
  }

const star = (cx, cy, outer, inner) => {
  const pts = []
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / 5
    const rad = i % 2 === 0 ? outer : inner
    pts.push([cx + rad * Math.cos(a), cy + rad * Math.sin(a)])
  }
  return (x, y) => {
    let inside = false
    for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
      const [xi, yi] = pts[i]
      const [xj, yj] = pts[j]
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
    }
    return inside
  }
}

/** Shapes in a 512 design space, painted in order. `scale` shrinks the artwork (maskable safe zone). */
function scene(scale) {
  const S = (v) => 256 + (v - 256) * scale
  const L = (v) => v * scale
  const deg = Math.PI / 180
  return [
    { color: COLORS.backCard, inside: roundedRect(S(276), S(222), L(300), L(192), L(26), -10 * deg) },
    { color: COLORS.card, inside: roundedRect(S(246), S(284), L(316), L(204), L(28)) },
    { color: COLORS.star, inside: star(S(156), S(284), L(48), L(21)) },
    { color: COLORS.lineDark, inside: roundedRect(S(286), S(256), L(128), L(22), L(11)) },
    { color: COLORS.line, inside: roundedRect(S(270), S(300), L(96), L(18), L(9)) },
    { color: COLORS.line, inside: roundedRect(S(258), S(336), L(72), L(18), L(9)) },
  ]
}

function render(size, { maskable = false, rounded = true } = {}) {
  const png = new PNG({ width: size, height: size })
  const shapes = scene(maskable ? 0.78 : 1)
  const bgShape = rounded && !maskable ? roundedRect(256, 256, 512, 512, 112) : () => true
  const N = 4 // 4x4 supersampling
  const k = 512 / size
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0
      for (let sy = 0; sy < N; sy++) {
        for (let sx = 0; sx < N; sx++) {
          const x = (px + (sx + 0.5) / N) * k
          const y = (py + (sy + 0.5) / N) * k
          if (!bgShape(x, y)) continue
          const t = y / 512
          let c = COLORS.bgTop.map((v, i) => v + (COLORS.bgBottom[i] - v) * t)
          for (const s of shapes) if (s.inside(x, y)) c = s.color
          r += c[0]
          g += c[1]
          b += c[2]
          a += 1
        }
      }
      const idx = (py * size + px) * 4
      const n = N * N
      png.data[idx] = a ? Math.round(r / a) : 0
      png.data[idx + 1] = a ? Math.round(g / a) : 0
      png.data[idx + 2] = a ? Math.round(b / a) : 0
      png.data[idx + 3] = Math.round((a / n) * 255)
    }
  }
  return PNG.sync.write(png)
}

const out = (name, buf) => {
  writeFileSync(publicDir + name, buf)
  console.log('wrote', name, buf.length, 'bytes')
}
out('pwa-192x192.png', render(192))
out('pwa-512x512.png', render(512))
out('maskable-icon-512x512.png', render(512, { maskable: true }))
out('apple-touch-icon-180x180.png', render(180, { rounded: false }))
out('favicon-32x32.png', render(32))

const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">
  <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#4f46e5"/><stop offset="1" stop-color="#3730a3"/></linearGradient></defs>
  <rect width="512" height="512" rx="112" fill="url(#g)"/>
  <rect x="126" y="126" width="300" height="192" rx="26" fill="#a5b4fc" transform="rotate(-10 276 222)"/>
  <rect x="88" y="182" width="316" height="204" rx="28" fill="#fff"/>
  <path fill="#f59e0b" d="${starPath(156, 284, 48, 21)}"/>
  <rect x="222" y="245" width="128" height="22" rx="11" fill="#4338ca"/>
  <rect x="222" y="291" width="96" height="18" rx="9" fill="#c7d2fe"/>
  <rect x="222" y="327" width="72" height="18" rx="9" fill="#c7d2fe"/>
</svg>
`
function starPath(cx, cy, outer, inner) {
  const pts = []
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / 5
    const rad = i % 2 === 0 ? outer : inner
    pts.push(`${(cx + rad * Math.cos(a)).toFixed(1)} ${(cy + rad * Math.sin(a)).toFixed(1)}`)
  }
  return `M${pts.join('L')}Z`
}
out('favicon.svg', Buffer.from(svg))
out(
  'robots.txt',
  Buffer.from(
    'User-agent: *\nAllow: /join/\nDisallow: /api/\nDisallow: /staff/\nDisallow: /merchant/\nDisallow: /setup\n',
  ),
)
