/**
 * The locale files are split in two when built: the `member` part, which every screen loads with the
 * app, and the `staff` part, which only staff and console screens need (about two thirds of the
 * messages) and which loads with them (`loadStaffMessages`, router.ts). The files themselves stay
 * whole, one per language. A section or a sub-section listed here goes to the staff part; everything
 * else is the member part. tests/domain/locale-parts.test.ts checks that no screen a member can open uses
 * a staff message.
 */
export const STAFF_SECTIONS = [
  'account.staff',
  'apiKeys',
  'business.kinds',
  'business.verify',
  'businessStatus.staffSetup',
  'businessStatus.staffSuspended',
  'console',
  'couponTill',
  'feedback.figures',
  'feedback.filter',
  'feedback.inbox',
  'feedback.kinds',
  'feedback.nav',
  'feedback.settings',
  'feedback.surveys',
  'firstRun',
  'forms',
  'insights',
  'links',
  'locations',
  'operator',
  'program',
  'pushConsole',
  'reports',
  'rewardsAdmin',
  'roles',
  'scan',
  'setup',
  'tillQueue',
  'webhooks',
] as const

export type MessagePart = 'member' | 'staff'
type Tree = { [k: string]: unknown }

const isStaff = (path: string) => (STAFF_SECTIONS as readonly string[]).includes(path)

/** The part of a locale's messages (one or two levels deep, as STAFF_SECTIONS names them). */
export function messagePart(messages: Tree, part: MessagePart): Tree {
  const out: Tree = {}
  for (const [k, v] of Object.entries(messages)) {
    if (isStaff(k)) {
      if (part === 'staff') out[k] = v
      continue
    }
    const split = STAFF_SECTIONS.some((s) => s.startsWith(`${k}.`))
    if (!split || !v || typeof v !== 'object') {
      if (part === 'member') out[k] = v
      continue
    }
    const sub = Object.fromEntries(
      Object.entries(v as Tree).filter(([k2]) => isStaff(`${k}.${k2}`) === (part === 'staff')),
    )
    if (Object.keys(sub).length) out[k] = sub
  }
  return out
}
