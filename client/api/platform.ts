/**
 * Many businesses on one installation: sign-up, verification, the first-run checklist, locations,
 * the operator console and staff password resets. Built into the lazy staff chunk.
 */
import type { z } from 'zod'
import type { LocationBreakdown, LocationDto, LocationInput, LocationRef } from '../../server/contract/locations.js'
import type {
  BusinessExport,
  BusinessKind,
  BusinessSignup,
  BusinessSignupResult,
  CreatedInvite,
  FirstRun,
  FirstRunStepName,
  OperatorBusiness,
  OperatorInvite,
  PracticeCard,
  ProgramTemplate,
  SignupStatus,
  SlugCheck,
} from '../../server/contract/platform.js'
import type { StaffMe } from '../../server/contract/staff.js'
import { request } from './client.js'

export type { BusinessKind, FirstRun, FirstRunStepName, LocationBreakdown, LocationDto, LocationRef }
export type { OperatorBusiness, OperatorInvite, PracticeCard, ProgramTemplate, SlugCheck, CreatedInvite }
export type SignupBody = z.input<typeof BusinessSignup>
export type LocationBody = z.input<typeof LocationInput>

/** Mirrors BUSINESS_KINDS in server/contract/platform.ts (not imported: that module pulls in zod). */
export const BUSINESS_KINDS = ['cafe', 'restaurant', 'bakery', 'bar', 'salon', 'retail', 'other'] as const

const seg = encodeURIComponent

export const platformApi = {
  signupStatus: (invite?: string) =>
    request<SignupStatus>('GET', `/business/signup${invite ? `?invite=${seg(invite)}` : ''}`),
  slugCheck: (slug: string, signal?: AbortSignal) =>
    request<SlugCheck>('GET', `/business/slug-check?slug=${seg(slug)}`, { signal }),
  signup: (body: SignupBody) => request<z.infer<typeof BusinessSignupResult>>('POST', '/business/signup', { body }),
  verify: (token: string) =>
    request<{ verified: true; businessName: string }>('POST', '/business/verify', { body: { token } }),
  resendVerification: (locale: 'en' | 'pl') =>
    request<{ sent: boolean }>('POST', '/merchant/verification/resend', { body: { locale } }),

  firstRun: () => request<FirstRun>('GET', '/merchant/first-run'),
  template: (kind: BusinessKind, locale: 'en' | 'pl') =>
    request<ProgramTemplate>('GET', `/merchant/first-run/templates/${seg(kind)}?locale=${locale}`),
  applyTemplate: (body: ProgramTemplate) => request<FirstRun>('POST', '/merchant/first-run/program', { body }),
  markStep: (step: 'poster' | 'staff', skipped = false) =>
    request<FirstRun>('POST', `/merchant/first-run/steps/${step}`, { body: { skipped } }),
  practiceCard: () => request<PracticeCard>('GET', '/merchant/first-run/practice-card'),
  goLive: () => request<FirstRun>('POST', '/merchant/first-run/go-live'),

  locations: () => request<{ locations: LocationDto[] }>('GET', '/merchant/locations'),
  createLocation: (body: LocationBody) => request<LocationDto>('POST', '/merchant/locations', { body }),
  updateLocation: (id: string, body: LocationBody) =>
    request<LocationDto>('PUT', `/merchant/locations/${seg(id)}`, { body }),
  setStaffLocations: (staffId: string, locationIds: string[]) =>
    request<{ locationIds: string[] }>('PUT', `/merchant/staff/${seg(staffId)}/locations`, { body: { locationIds } }),
  locationBreakdown: () => request<LocationBreakdown>('GET', '/merchant/insights/locations'),

  businesses: () =>
    request<{ signupMode: 'open' | 'invite' | 'closed'; businesses: OperatorBusiness[] }>(
      'GET',
      '/operator/businesses',
    ),
  suspend: (id: string, reason: string) =>
    request<OperatorBusiness>('POST', `/operator/businesses/${seg(id)}/suspend`, { body: { reason } }),
  resume: (id: string) => request<OperatorBusiness>('POST', `/operator/businesses/${seg(id)}/resume`),
  exportBusiness: (id: string) => request<BusinessExport>('GET', `/operator/businesses/${seg(id)}/export`),
  close: (id: string) => request<OperatorBusiness>('POST', `/operator/businesses/${seg(id)}/close`),
  invites: () => request<{ invites: OperatorInvite[] }>('GET', '/operator/invites'),
  createInvite: (note: string) => request<CreatedInvite>('POST', '/operator/invites', { body: { note } }),

  requestReset: (email: string, locale: 'en' | 'pl') =>
    request<{ sent: true }>('POST', '/staff/password-reset', { body: { email, locale } }),
  confirmReset: (token: string, password: string) =>
    request<StaffMe>('POST', '/staff/password-reset/confirm', { body: { token, password } }),
}
