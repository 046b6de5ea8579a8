import type { RouteLocationRaw } from 'vue-router'
import type { Role } from '../api/client.js'
import type { IconName } from '../components/common/icons.js'

export interface ConsoleLink {
  /** Route name. */
  to: string
  /** i18n key of the label. */
  label: string
  icon: IconName
  /** Who sees the link; the server checks the same roles. */
  roles: readonly Role[]
  testid: string
  /** Shown to the platform's operators only (whatever their role in their own business). */
  operator?: boolean
  /** Shown only while the first-run checklist is not done. */
  firstRun?: boolean
}

const ALL: readonly Role[] = ['owner', 'manager', 'cashier']
const MANAGERS: readonly Role[] = ['owner', 'manager']

/**
 * The console's screens, in nav order: the staff header and the console home both list these.
 * A new console screen adds one line here.
 */
export const CONSOLE_LINKS: ConsoleLink[] = [
  {
    to: 'merchant-first-run',
    label: 'firstRun.nav',
    icon: 'flag',
    roles: ['owner'],
    testid: 'nav-first-run',
    firstRun: true,
  },
  { to: 'staff-scan', label: 'nav.scan', icon: 'scan', roles: ALL, testid: 'nav-scan' },
  { to: 'merchant-customers', label: 'console.nav.customers', icon: 'users', roles: ALL, testid: 'nav-customers' },
  { to: 'merchant-program', label: 'program.nav', icon: 'card', roles: MANAGERS, testid: 'nav-program' },
  { to: 'merchant-rewards', label: 'rewardsAdmin.nav', icon: 'card', roles: MANAGERS, testid: 'nav-rewards' },
  { to: 'merchant-push', label: 'pushConsole.nav', icon: 'bell', roles: MANAGERS, testid: 'nav-push' },
  { to: 'merchant-insights', label: 'insights.nav', icon: 'chart', roles: MANAGERS, testid: 'nav-insights' },
  { to: 'merchant-segments', label: 'insights.segmentsNav', icon: 'users', roles: MANAGERS, testid: 'nav-segments' },
  { to: 'merchant-campaigns', label: 'reports.nav.campaigns', icon: 'share', roles: MANAGERS, testid: 'nav-campaigns' },
  { to: 'merchant-feedback', label: 'feedback.nav.inbox', icon: 'message', roles: ALL, testid: 'nav-feedback' },
  { to: 'merchant-surveys', label: 'feedback.nav.surveys', icon: 'list', roles: MANAGERS, testid: 'nav-surveys' },
  { to: 'merchant-alerts', label: 'reports.nav.alerts', icon: 'alert', roles: MANAGERS, testid: 'nav-alerts' },
  { to: 'merchant-exports', label: 'reports.nav.exports', icon: 'download', roles: MANAGERS, testid: 'nav-exports' },
  { to: 'merchant-branding', label: 'console.nav.branding', icon: 'palette', roles: MANAGERS, testid: 'nav-branding' },
  { to: 'merchant-signup-links', label: 'nav.signupLinks', icon: 'link', roles: MANAGERS, testid: 'nav-links' },
  { to: 'merchant-staff', label: 'console.nav.staff', icon: 'store', roles: MANAGERS, testid: 'nav-staff' },
  { to: 'merchant-locations', label: 'locations.nav', icon: 'pin', roles: MANAGERS, testid: 'nav-locations' },
  { to: 'merchant-api-keys', label: 'nav.apiKeys', icon: 'key', roles: ['owner'], testid: 'nav-api-keys' },
  { to: 'merchant-webhooks', label: 'webhooks.nav', icon: 'share', roles: ['owner'], testid: 'nav-webhooks' },
  { to: 'operator', label: 'operator.nav', icon: 'shield', roles: ALL, testid: 'nav-operator', operator: true },
]

export const linksFor = (
  role: Role | null,
  who: { operator?: boolean; firstRunComplete?: boolean } = {},
): ConsoleLink[] =>
  role
    ? CONSOLE_LINKS.filter(
        (l) =>
          l.roles.includes(role) &&
          (!l.operator || who.operator === true) &&
          (!l.firstRun || who.firstRunComplete === false),
      )
    : []
export const routeOf = (l: ConsoleLink): RouteLocationRaw => ({ name: l.to })
