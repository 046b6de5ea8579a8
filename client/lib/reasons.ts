import { formatDate, formatNumber } from './format.js'
import { formatMoney } from './money.js'

/*
 * A ledger entry's reason in the reader's language, from its code and parameters (the server's
 * server/domain/i18n/reasons.ts renders the same codes for exports, from its own catalogs; the keys
 * here are `ledger.reason.*`). Entries from before the codes, and codes this client does not know,
 * show the text stored with them.
 */
type T = (key: string, named?: Record<string, unknown>, plural?: number) => string
interface Stored {
  reason: string
  reasonCode: string | null
  reasonParams: Record<string, unknown> | null
}

const mult = (m: unknown, locale: string) => formatNumber(Number(Number(m).toFixed(2)), locale)

function purchase(p: Record<string, unknown>, t: T, locale: string): string {
  const currency = String(p.currency)
  const money = (minor: unknown) => formatMoney(Number(minor), currency, locale)
  const parts = [t('ledger.reason.purchase', { amount: money(p.amount) })]
  if (p.discount)
    parts.push(t('ledger.reason.paidWithReward', { amount: money(Math.min(Number(p.discount), Number(p.amount))) }))
  if (p.minimum !== undefined) parts.push(t('ledger.reason.belowMinimum', { amount: money(p.minimum) }))
  if (p.visit) parts.push(t('ledger.reason.perVisit', { n: formatNumber(Number(p.visit), locale) }))
  const promo = p.promotion as { name: string; multiplier: number } | undefined
  if (promo) parts.push(t('ledger.reason.promotion', { name: promo.name, m: mult(promo.multiplier, locale) }))
  for (const b of (p.bonuses as { name: string; points: number }[] | undefined) ?? [])
    parts.push(t('ledger.reason.promotionBonus', { name: b.name, n: formatNumber(b.points, locale) }))
  const tier = p.tier as { name: string; multiplier: number } | undefined
  if (tier) parts.push(t('ledger.reason.tier', { name: tier.name, m: mult(tier.multiplier, locale) }))
  if (p.cap !== undefined) parts.push(t('ledger.reason.dailyCap', { n: formatNumber(Number(p.cap), locale) }))
  return parts.join(t('ledger.reason.separator'))
}

export function reasonText(e: Stored, t: T, locale: string): string {
  const p = e.reasonParams ?? {}
  switch (e.reasonCode) {
    case 'purchase':
      return purchase(p, t, locale)
    case 'welcome':
    case 'birthday':
    case 'referral_inviter':
    case 'referral_invited':
      return t(`ledger.reason.${e.reasonCode}`)
    case 'reward':
      return t('ledger.reason.reward', { reward: String(p.reward) })
    case 'expire': {
      const n = Number(p.points)
      // The day the lot was earned, already the merchant's local date: read at noon UTC so no zone moves it.
      const date = formatDate(new Date(`${String(p.earnedOn)}T12:00:00Z`), locale)
      return t('ledger.reason.expire', { n: formatNumber(n, locale), date }, n)
    }
    case 'undo': {
      const of = p.of as { code: string | null; params: Record<string, unknown> | null; text: string }
      return t('ledger.reason.undo', {
        of: reasonText({ reason: of.text, reasonCode: of.code, reasonParams: of.params }, t, locale),
      })
    }
    case 'moved_to':
    case 'moved_from':
      return t(`ledger.reason.${e.reasonCode}`, { card: String(p.card) })
    case 'survey':
      return t('ledger.reason.survey', { title: String(p.title) })
    case 'adjust':
      return String(p.note ?? e.reason)
    default:
      return e.reason
  }
}
