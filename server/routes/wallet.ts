import { z } from 'zod'
import { CardWalletPasses, GoogleSaveLink, WalletFigures } from '../contract/wallet.js'
import { ErrorBody } from '../contract/common.js'
import { requireCustomer, requireStaff } from '../middleware/auth.js'
import { walletConsoleFigures } from '../services/wallet/figures.js'
import { walletLogoPng } from '../services/wallet/logo.js'
import {
  cardWalletPasses,
  downloadApplePass,
  googleSaveLink,
  removeWalletPasses,
} from '../services/wallet/member-passes.js'
import { createRoute, E401, E403, E404, json, router } from './openapi.js'

const CardParam = z.object({ id: z.string().max(64) })
const E503 = { 503: json(ErrorBody, 'wallet_unavailable: this wallet is not set up on the server, or did not answer') }

/** The member's wallet passes (Apple, Google), the console's figures, and the logo Google fetches. */
export const walletRoutes = router()
  .openapi(
    createRoute({
      method: 'get',
      path: '/me/cards/{id}/wallet',
      tags: ['wallet'],
      middleware: [requireCustomer] as const,
      request: { params: CardParam },
      responses: {
        200: json(CardWalletPasses, 'Which wallets can take the card, and which have it'),
        ...E401,
        ...E404,
      },
    }),
    async (c) => c.json(await cardWalletPasses(c.var.deps, c.var.customer!.customerId!, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/me/cards/{id}/wallet/apple.pkpass',
      tags: ['wallet'],
      summary: 'The card as a signed Apple Wallet pass',
      middleware: [requireCustomer] as const,
      request: { params: CardParam },
      responses: {
        200: {
          content: { 'application/vnd.apple.pkpass': { schema: z.string().meta({ format: 'binary' }) } },
          description: 'The .pkpass',
        },
        ...E401,
        ...E404,
        ...E503,
      },
    }),
    async (c) => {
      const pass = await downloadApplePass(c.var.deps, c.var.customer!.customerId!, c.req.valid('param').id)
      c.header('Content-Type', 'application/vnd.apple.pkpass')
      c.header('Content-Disposition', `attachment; filename="${pass.filename}"`)
      c.header('Cache-Control', 'no-store')
      return c.body(new Uint8Array(pass.file), 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/me/cards/{id}/wallet/google',
      tags: ['wallet'],
      summary: 'Creates the card in Google Wallet and returns the "Save to Google Wallet" link',
      middleware: [requireCustomer] as const,
      request: { params: CardParam },
      responses: { 200: json(GoogleSaveLink, 'The save link'), ...E401, ...E404, ...E503 },
    }),
    async (c) => c.json(await googleSaveLink(c.var.deps, c.var.customer!.customerId!, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/me/cards/{id}/wallet',
      tags: ['wallet'],
      summary: 'Forgets the card’s wallet passes and their devices: no more updates go to them',
      middleware: [requireCustomer] as const,
      request: { params: CardParam },
      responses: { 204: { description: 'Forgotten' }, ...E401, ...E404 },
    }),
    async (c) => {
      await removeWalletPasses(c.var.deps, c.var.customer!.customerId!, c.req.valid('param').id)
      return c.body(null, 204)
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/merchant/wallet',
      tags: ['wallet'],
      middleware: [requireStaff('owner', 'manager')] as const,
      responses: { 200: json(WalletFigures, 'Members with a wallet pass, and the last update'), ...E401, ...E403 },
    }),
    async (c) => c.json(await walletConsoleFigures(c.var.deps, c.var.actor.merchantId), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/wallet/google/logos/{file}',
      tags: ['wallet'],
      summary: "The business's logo as PNG, for its Google Wallet class",
      request: { params: z.object({ file: z.string().regex(/^[0-9a-zA-Z-]{1,64}\.png$/) }) },
      responses: {
        200: { content: { 'image/png': { schema: z.string().meta({ format: 'binary' }) } }, description: 'PNG' },
        ...E404,
      },
    }),
    async (c) => {
      const png = await walletLogoPng(c.var.deps, c.req.valid('param').file.replace(/\.png$/, ''))
      c.header('Content-Type', 'image/png')
      c.header('Cache-Control', 'public, max-age=3600')
      return c.body(new Uint8Array(png), 200)
    },
  )
