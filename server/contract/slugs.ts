/**
 * A business's address on the platform (`/join/<slug>`): lowercase letters, digits and hyphens.
 * Pure and dependency-free: the sign-up form checks as you type, the server decides.
 */
export const SLUG_MIN = 3
export const SLUG_MAX = 40

/** Words that name a part of the app (or might one day), or would pass for the platform itself. */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  'about',
  'account',
  'accounts',
  'admin',
  'administrator',
  'api',
  'app',
  'assets',
  'auth',
  'billing',
  'blog',
  'business',
  'businesses',
  'card',
  'cards',
  'console',
  'dashboard',
  'docs',
  'email',
  'favicon',
  'health',
  'help',
  'home',
  'icons',
  'index',
  'invite',
  'join',
  'legal',
  'login',
  'logout',
  'loyalty',
  'loyalty-wallet',
  'mail',
  'manifest',
  'me',
  'merchant',
  'merchants',
  'new',
  'openapi',
  'operator',
  'operators',
  'password',
  'platform',
  'pos',
  'pricing',
  'privacy',
  'public',
  'register',
  'reset',
  'robots',
  'root',
  'security',
  'settings',
  'setup',
  'signin',
  'signup',
  'staff',
  'static',
  'status',
  'support',
  'sw',
  'system',
  'terms',
  'verify',
  'wallet',
  'webhooks',
  'www',
])

export type SlugProblem = 'invalid' | 'reserved'

const SHAPE = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/

/** Why a (lower-cased) slug cannot be used, or null when its shape and word are fine. */
export function slugProblem(slug: string): SlugProblem | null {
  if (slug.length < SLUG_MIN || slug.length > SLUG_MAX || !SHAPE.test(slug) || slug.includes('--')) return 'invalid'
  return RESERVED_SLUGS.has(slug) ? 'reserved' : null
}

/** A slug suggested from a business name: "Café Różany" -> "cafe-rozany". */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX)
    .replace(/-+$/g, '')
}
