import fs from 'node:fs'
import path from 'node:path'
import { PKPass } from 'passkit-generator'
import sharp from 'sharp'
import type { AppleCredentials } from './credentials.js'
import type { PassContent } from './pass-content.js'
import { PASS_LANGUAGES, PASS_TEXT } from './pass-text.js'

/** What only the server knows about one Apple pass: its serial, web-service token and member code. */
export interface ApplePassIds {
  serial: string
  authToken: string
  memberCode: string
  webServiceUrl: string
}

/** The static barcode of an Apple pass: finds the card and awards points, never redeems. */
export const memberCodePayload = (cardNumber: string, memberCode: string) => `LWP:${cardNumber}:${memberCode}`

const hexToRgb = (hex: string) => {
  const n = parseInt(hex.replace('#', ''), 16)
  return { r: (n >> 16) & 255, g: (n >> 8) & 255, b: n & 255 }
}
const rgb = (c: { r: number; g: number; b: number }) => `rgb(${c.r}, ${c.g}, ${c.b})`
/** Black or white text, whichever reads better on the brand colour (WCAG relative luminance). */
function textOn(c: { r: number; g: number; b: number }) {
  const lin = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
  const l = 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b)
  return l > 0.179 ? { r: 17, g: 24, b: 39 } : { r: 255, g: 255, b: 255 }
}

/** The app's own icon stands in for a merchant without a logo. */
const FALLBACK_ICON = path.resolve('public/pwa-192x192.png')

async function images(c: PassContent): Promise<Record<string, Buffer>> {
  const source = c.logo
    ? Buffer.from(c.logo)
    : fs.existsSync(FALLBACK_ICON)
      ? fs.readFileSync(FALLBACK_ICON)
      : await sharp({ create: { width: 64, height: 64, channels: 4, background: c.merchant.brandColor } })
          .png()
          .toBuffer()
  const fit = (w: number, h: number) =>
    sharp(source)
      .resize(w, h, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } })
      .png()
      .toBuffer()
  const [icon, icon2x, icon3x, logo, logo2x] = await Promise.all([
    fit(29, 29),
    fit(58, 58),
    fit(87, 87),
    fit(50, 50),
    fit(100, 100),
  ])
  return { 'icon.png': icon, 'icon@2x.png': icon2x, 'icon@3x.png': icon3x, 'logo.png': logo, 'logo@2x.png': logo2x }
}

/** pass.json of a store card: points in the header, tier and progress below, the how-to on the back. */
export function passJson(c: PassContent, ids: ApplePassIds, creds: AppleCredentials) {
  const brand = hexToRgb(c.merchant.brandColor)
  const fg = textOn(brand)
  return {
    formatVersion: 1,
    passTypeIdentifier: creds.passTypeId,
    teamIdentifier: creds.teamId,
    serialNumber: ids.serial,
    authenticationToken: ids.authToken,
    webServiceURL: ids.webServiceUrl,
    organizationName: c.merchant.name,
    description: `${c.merchant.name} loyalty card`,
    logoText: c.merchant.name,
    backgroundColor: rgb(brand),
    foregroundColor: rgb(fg),
    labelColor: rgb(fg),
    sharingProhibited: true,
    ...(c.closed ? { voided: true } : {}),
    ...(c.locations.length
      ? {
          locations: c.locations.map((l) => ({
            latitude: l.latitude,
            longitude: l.longitude,
            relevantText: `${c.merchant.name} · ${l.name}`,
          })),
        }
      : {}),
    barcodes: [
      {
        format: 'PKBarcodeFormatQR',
        message: memberCodePayload(c.cardNumber, ids.memberCode),
        messageEncoding: 'iso-8859-1',
        altText: `${c.cardNumber.slice(0, 4)} ${c.cardNumber.slice(4)}`,
      },
    ],
    storeCard: {
      headerFields: [{ key: 'points', label: 'points', value: c.balance, changeMessage: 'changeMessage' }],
      primaryFields: [],
      secondaryFields: [
        { key: 'member', label: 'member', value: c.memberName || c.cardNumber },
        ...(c.tier ? [{ key: 'tier', label: 'tier', value: c.tier }] : []),
        ...(c.next ? [{ key: 'next', label: 'next', value: `${c.next.pointsNeeded} → ${c.next.name}` }] : []),
      ],
      auxiliaryFields: [],
      backFields: [
        { key: 'howTo', label: 'howTo', value: 'howToBody' },
        { key: 'cardNumber', label: 'cardNumber', value: c.cardNumber },
        ...(c.locations.length
          ? [
              {
                key: 'locations',
                label: 'locations',
                value: c.locations.map((l) => `${l.name}: ${l.address}`).join('\n'),
              },
            ]
          : []),
      ],
    },
  }
}

/** A signed .pkpass (a zip with manifest.json and its detached PKCS#7 signature). */
export async function buildApplePass(c: PassContent, ids: ApplePassIds, creds: AppleCredentials): Promise<Buffer> {
  const pass = new PKPass(
    { 'pass.json': Buffer.from(JSON.stringify(passJson(c, ids, creds))), ...(await images(c)) },
    {
      wwdr: creds.wwdrPem,
      signerCert: creds.certPem,
      signerKey: creds.keyPem,
      ...(creds.keyPassphrase ? { signerKeyPassphrase: creds.keyPassphrase } : {}),
    },
  )
  for (const lang of PASS_LANGUAGES) pass.localize(lang, PASS_TEXT[lang])
  return pass.getAsBuffer()
}
