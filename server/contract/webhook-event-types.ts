/**
 * Every event a business's endpoints can subscribe to (docs/webhooks.md). A module of its own,
 * without zod, so the console's lazy chunk lists them from here rather than keep a copy.
 */
export const WEBHOOK_EVENT_TYPES = [
  'member.joined',
  'member.erased',
  'points.earned',
  'points.spent',
  'points.adjusted',
  'points.expiring',
  'points.expired',
  'tier.changed',
  'reward.redeemed',
  'coupon.issued',
  'coupon.redeemed',
  'stampcard.completed',
  'feedback.received',
] as const
