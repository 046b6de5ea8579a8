import { z } from 'zod'
import { LOCALES } from './locales.js'

/** Every 4xx/5xx body has this shape; the client maps `code` to a translated message. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' })
export type ErrorBody = z.infer<typeof ErrorBody>

export const Slug = z
  .string()
  .min(2)
  .max(40)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'lowercase letters, digits and hyphens')
export const HexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #1a2b3c')
export const Currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code like EUR')
export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 1990-04-30')
/**
 * Trimmed and lower-cased, then checked. The format is stated for the document (a pipe's input side
 * has none of its own): send a valid address, as the server requires one.
 */
export const Email = z.string().trim().toLowerCase().max(254).pipe(z.email()).meta({ format: 'email' })
export const Id = z.string().min(1).max(64)
/** Idempotency keys are made by the caller (the scanner, a POS); printable ASCII. */
export const IdempotencyKey = z
  .string()
  .min(8)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
export const IdempotencyHeaders = z.object({ 'idempotency-key': IdempotencyKey })

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return true
  } catch {
    return false
  }
}
export const TimeZone = z.string().trim().min(1).max(64).refine(isTimeZone, 'a time zone like Europe/Warsaw')

/** One of the languages we speak (contract/locales.ts). */
export const LocaleCode = z.enum(LOCALES)
