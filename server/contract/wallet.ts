import { z } from 'zod'

/** Apple Wallet and Google Wallet passes (docs/wallet-passes.md). */

export const CardWalletPasses = z
  .object({
    appleAvailable: z.boolean(),
    googleAvailable: z.boolean(),
    apple: z.object({ since: z.string() }).nullable(),
    google: z.object({ since: z.string() }).nullable(),
  })
  .meta({ id: 'CardWalletPasses' })
export type CardWalletPasses = z.infer<typeof CardWalletPasses>

export const GoogleSaveLink = z.object({ url: z.url() }).meta({ id: 'GoogleSaveLink' })

export const WalletFigures = z
  .object({
    apple: z.object({
      configured: z.boolean(),
      problem: z.string().nullable(),
      passes: z.number().int(),
      devices: z.number().int(),
    }),
    google: z.object({ configured: z.boolean(), problem: z.string().nullable(), passes: z.number().int() }),
    lastUpdate: z
      .object({
        wallet: z.enum(['apple', 'google']),
        status: z.enum(['sent', 'retrying', 'failed']),
        at: z.string(),
        error: z.string().nullable(),
      })
      .nullable(),
  })
  .meta({ id: 'WalletFigures' })
export type WalletFigures = z.infer<typeof WalletFigures>

/** Apple's registration body. */
export const AppleRegistration = z.object({ pushToken: z.string().min(1).max(200) })
