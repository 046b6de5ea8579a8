/** The kinds of business a ready-made program is chosen for. Without zod, so the client imports it too. */
export const BUSINESS_KINDS = ['cafe', 'restaurant', 'bakery', 'bar', 'salon', 'retail', 'other'] as const
