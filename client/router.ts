import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useSessionStore } from './stores/session.js'
import { useWalletStore } from './stores/wallet.js'
import { prefetchMerchant } from './api/client.js'
import { loadStaffMessages } from './i18n/index.js'

declare module 'vue-router' {
  interface RouteMeta {
    /** customer: bottom nav; staff: staff header (from StaffLayout); bare: no chrome. */
    layout?: 'customer' | 'staff' | 'bare'
    /** i18n key of the document title. */
    title?: string
    requiresStaff?: boolean
    /** Needs the staff part of the messages (i18n/parts.ts); implied by requiresStaff. */
    staffMessages?: boolean
  }
}

const StaffLayout = () => import('./layouts/StaffLayout.vue')

const routes: RouteRecordRaw[] = [
  {
    path: '/',
    name: 'wallet',
    component: () => import('./views/WalletView.vue'),
    meta: { layout: 'customer', title: 'wallet.title' },
  },
  {
    path: '/cards/:id',
    name: 'card',
    component: () => import('./views/CardView.vue'),
    meta: { layout: 'customer', title: 'card.title' },
    // The card's requests leave while its view (and the language) still load, not after: the view
    // shares them (refreshCard and perks.refresh share a request in flight). Errors are the view's.
    beforeEnter: (to) => {
      if (!navigator.onLine) return
      const id = String(to.params.id)
      void useWalletStore()
        .refreshCard(id)
        .catch(() => undefined)
      // The perks store is not one the first screens load: it comes with the card's code.
      void import('./stores/perks.js').then(({ usePerksStore }) => usePerksStore().refresh(id)).catch(() => undefined)
    },
  },
  {
    path: '/cards/:id/coupons',
    name: 'coupons',
    component: () => import('./views/CouponsView.vue'),
    meta: { layout: 'customer', title: 'perks.title' },
  },
  {
    path: '/cards/:id/history',
    name: 'history',
    component: () => import('./views/HistoryView.vue'),
    meta: { layout: 'customer', title: 'history.title' },
  },
  {
    path: '/join/:slug',
    name: 'join',
    component: () => import('./views/JoinView.vue'),
    // No bottom nav: a visitor from a poster has no wallet to go to yet, and on a phone the nav would
    // cover the join button at the top of the page.
    meta: { layout: 'bare', title: 'join.title' },
    // As for the card: the business and the wallet are asked for while the view loads.
    beforeEnter: (to) => {
      const slug = String(to.params.slug)
      const wallet = useWalletStore()
      if (!navigator.onLine || wallet.byMerchant(slug)) return
      prefetchMerchant(slug)
      wallet.refresh().catch(() => undefined)
    },
  },
  {
    path: '/settings',
    name: 'settings',
    component: () => import('./views/SettingsView.vue'),
    meta: { layout: 'customer', title: 'settings.title' },
  },
  {
    path: '/signin',
    name: 'signin',
    component: () => import('./views/SignInView.vue'),
    meta: { layout: 'customer', title: 'account.signIn.title' },
  },
  {
    path: '/signin/email',
    name: 'signin-email',
    component: () => import('./views/EmailLinkView.vue'),
    meta: { layout: 'customer', title: 'account.link.title' },
  },
  {
    path: '/setup',
    name: 'setup',
    component: () => import('./views/SetupView.vue'),
    meta: { staffMessages: true, layout: 'bare', title: 'setup.title' },
  },
  {
    path: '/business/signup',
    name: 'business-signup',
    component: () => import('./views/business/BusinessSignupView.vue'),
    meta: { staffMessages: true, layout: 'bare', title: 'business.signup.title' },
  },
  {
    path: '/business/verify',
    name: 'business-verify',
    component: () => import('./views/business/BusinessVerifyView.vue'),
    meta: { staffMessages: true, layout: 'bare', title: 'business.verify.title' },
  },
  {
    path: '/staff/forgot',
    name: 'staff-forgot',
    component: () => import('./views/staff/StaffForgotView.vue'),
    meta: { staffMessages: true, layout: 'bare', title: 'staffAccount.forgot.title' },
  },
  {
    path: '/staff/reset',
    name: 'staff-reset',
    component: () => import('./views/staff/StaffResetView.vue'),
    meta: { staffMessages: true, layout: 'bare', title: 'staffAccount.reset.title' },
  },
  {
    path: '/operator',
    component: StaffLayout,
    meta: { layout: 'staff', requiresStaff: true },
    children: [
      {
        path: '',
        name: 'operator',
        component: () => import('./views/operator/OperatorView.vue'),
        meta: { title: 'operator.title' },
      },
    ],
  },
  {
    path: '/staff/login',
    name: 'staff-login',
    component: () => import('./views/staff/StaffLoginView.vue'),
    meta: { layout: 'bare', title: 'staffLogin.title' },
  },
  {
    path: '/staff',
    component: StaffLayout,
    meta: { layout: 'staff', requiresStaff: true },
    children: [
      { path: '', redirect: { name: 'staff-scan' } },
      {
        path: 'scan',
        name: 'staff-scan',
        component: () => import('./views/staff/ScannerView.vue'),
        meta: { title: 'scan.title' },
      },
    ],
  },
  {
    path: '/merchant',
    component: StaffLayout,
    meta: { layout: 'staff', requiresStaff: true },
    children: [
      {
        path: '',
        name: 'merchant-home',
        component: () => import('./views/merchant/ConsoleHomeView.vue'),
        meta: { title: 'console.home.title' },
      },
      {
        path: 'get-started',
        name: 'merchant-first-run',
        component: () => import('./views/merchant/FirstRunView.vue'),
        meta: { title: 'firstRun.title' },
      },
      {
        path: 'locations',
        name: 'merchant-locations',
        component: () => import('./views/merchant/LocationsView.vue'),
        meta: { title: 'locations.title' },
      },
      {
        path: 'api-keys',
        name: 'merchant-api-keys',
        component: () => import('./views/merchant/ApiKeysView.vue'),
        meta: { title: 'apiKeys.title' },
      },
      {
        path: 'webhooks',
        name: 'merchant-webhooks',
        component: () => import('./views/merchant/WebhooksView.vue'),
        meta: { title: 'webhooks.title' },
      },
      {
        path: 'rewards',
        name: 'merchant-rewards',
        component: () => import('./views/merchant/RewardsView.vue'),
        meta: { title: 'rewardsAdmin.title' },
      },
      {
        path: 'signup-links',
        name: 'merchant-signup-links',
        component: () => import('./views/merchant/SignupLinksView.vue'),
        meta: { title: 'links.title' },
      },
      {
        path: 'program',
        name: 'merchant-program',
        component: () => import('./views/merchant/ProgramView.vue'),
        meta: { title: 'program.title' },
      },
      {
        path: 'branding',
        name: 'merchant-branding',
        component: () => import('./views/merchant/BrandingView.vue'),
        meta: { title: 'console.branding.title' },
      },
      {
        path: 'staff',
        name: 'merchant-staff',
        component: () => import('./views/merchant/StaffView.vue'),
        meta: { title: 'console.staff.title' },
      },
      {
        path: 'customers',
        name: 'merchant-customers',
        component: () => import('./views/merchant/CustomersView.vue'),
        meta: { title: 'console.customers.title' },
      },
      {
        path: 'customers/:id',
        name: 'merchant-customer',
        component: () => import('./views/merchant/CustomerDetailView.vue'),
        meta: { title: 'console.customer.title' },
      },
      {
        path: 'push',
        name: 'merchant-push',
        component: () => import('./views/merchant/PushView.vue'),
        meta: { title: 'pushConsole.title' },
      },
      {
        path: 'insights',
        name: 'merchant-insights',
        component: () => import('./views/merchant/InsightsView.vue'),
        meta: { title: 'insights.title' },
      },
      {
        path: 'segments',
        name: 'merchant-segments',
        component: () => import('./views/merchant/SegmentsView.vue'),
        meta: { title: 'insights.segmentsTitle' },
      },
      {
        path: 'campaigns',
        name: 'merchant-campaigns',
        component: () => import('./views/merchant/CampaignsView.vue'),
        meta: { title: 'reports.campaigns.title' },
      },
      {
        path: 'alerts',
        name: 'merchant-alerts',
        component: () => import('./views/merchant/AlertsView.vue'),
        meta: { title: 'reports.alerts.title' },
      },
      {
        path: 'feedback',
        name: 'merchant-feedback',
        component: () => import('./views/merchant/FeedbackView.vue'),
        meta: { title: 'feedback.inbox.title' },
      },
      {
        path: 'feedback/figures',
        name: 'merchant-feedback-figures',
        component: () => import('./views/merchant/FeedbackFiguresView.vue'),
        meta: { title: 'feedback.figures.title' },
      },
      {
        path: 'surveys',
        name: 'merchant-surveys',
        component: () => import('./views/merchant/SurveysView.vue'),
        meta: { title: 'feedback.surveys.pageTitle' },
      },
      {
        path: 'exports',
        name: 'merchant-exports',
        component: () => import('./views/merchant/ExportsView.vue'),
        meta: { title: 'reports.exports.title' },
      },
    ],
  },
  {
    path: '/merchant/signup-links/:id/poster',
    name: 'merchant-poster',
    component: () => import('./views/merchant/SignupLinkPosterView.vue'),
    meta: { layout: 'bare', requiresStaff: true, title: 'console.poster.title' },
  },
  {
    path: '/staff/invite',
    name: 'staff-invite',
    component: () => import('./views/staff/StaffInviteView.vue'),
    meta: { staffMessages: true, layout: 'bare', title: 'console.invite.title' },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('./views/NotFoundView.vue'),
    meta: { layout: 'customer', title: 'notFound.title' },
  },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior(to, from, saved) {
    if (saved) return saved
    if (to.hash) return { el: to.hash }
    // The first page opens at the top anyway: scrolling there would force a layout of the whole first screen mid-script.
    if (!from.matched.length) return false
    return { top: 0 }
  },
})

router.beforeEach(async (to) => {
  if (to.matched.some((r) => r.meta.requiresStaff || r.meta.staffMessages)) {
    // Not there (offline, and not cached yet): the screen shows its keys rather than not opening.
    await loadStaffMessages().catch(() => undefined)
  }
  if (!to.matched.some((r) => r.meta.requiresStaff)) return true
  const session = useSessionStore()
  try {
    if (await session.ensure()) return true
  } catch {
    // Server unreachable: the login page explains, and retrying from there is one tap.
  }
  return { name: 'staff-login', query: { redirect: to.fullPath } }
})
