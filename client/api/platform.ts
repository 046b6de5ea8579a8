/**
 * Many businesses on one installation: sign-up, verification, the first-run checklist, locations,
 * the operator console and staff password resets (server/routes/platform.ts, locations.ts,
 * operator.ts, and the reset routes of staff.ts). Built into the lazy staff chunk.
 */
import type { BusinessKind } from '../../server/contract/platform.js'
import { call, rpc, seg, signal, type JsonOf } from './client.js'

export type { LocationBreakdown, LocationDto, LocationRef } from '../../server/contract/locations.js'
export type {
  BusinessKind,
  CreatedInvite,
  FirstRun,
  FirstRunStepName,
  OperatorBusiness,
  OperatorInvite,
  PracticeCard,
  ProgramTemplate,
  SlugCheck,
} from '../../server/contract/platform.js'
export type SignupBody = JsonOf<typeof rpc.business.signup.$post>
export type LocationBody = JsonOf<typeof rpc.merchant.locations.$post>

export { BUSINESS_KINDS } from '../../server/contract/business-kinds.js'

const business = rpc.operator.businesses[':id']
const byId = (id: string) => ({ param: { id: seg(id) } })

export const platformApi = {
  signupStatus: (invite?: string) => call(rpc.business.signup.$get({ query: { invite } })),
  slugCheck: (slug: string, s?: AbortSignal) => call(rpc.business['slug-check'].$get({ query: { slug } }, signal(s))),
  signup: (body: SignupBody) => call(rpc.business.signup.$post({ json: body })),
  verify: (token: string) => call(rpc.business.verify.$post({ json: { token } })),
  resendVerification: (locale: 'en' | 'pl') => call(rpc.merchant.verification.resend.$post({ json: { locale } })),

  firstRun: () => call(rpc.merchant['first-run'].$get()),
  template: (kind: BusinessKind, locale: 'en' | 'pl') =>
    call(rpc.merchant['first-run'].templates[':kind'].$get({ param: { kind }, query: { locale } })),
  applyTemplate: (body: JsonOf<(typeof rpc.merchant)['first-run']['program']['$post']>) =>
    call(rpc.merchant['first-run'].program.$post({ json: body })),
  markStep: (step: 'poster' | 'staff', skipped = false) =>
    call(rpc.merchant['first-run'].steps[':step'].$post({ param: { step }, json: { skipped } })),
  practiceCard: () => call(rpc.merchant['first-run']['practice-card'].$get()),
  goLive: () => call(rpc.merchant['first-run']['go-live'].$post()),

  locations: () => call(rpc.merchant.locations.$get()),
  createLocation: (body: LocationBody) => call(rpc.merchant.locations.$post({ json: body })),
  updateLocation: (id: string, body: LocationBody) =>
    call(rpc.merchant.locations[':id'].$put({ ...byId(id), json: body })),
  setStaffLocations: (staffId: string, locationIds: string[]) =>
    call(rpc.merchant.staff[':id'].locations.$put({ ...byId(staffId), json: { locationIds } })),
  locationBreakdown: () => call(rpc.merchant.insights.locations.$get()),

  businesses: () => call(rpc.operator.businesses.$get()),
  suspend: (id: string, reason: string) => call(business.suspend.$post({ ...byId(id), json: { reason } })),
  resume: (id: string) => call(business.resume.$post(byId(id))),
  exportBusiness: (id: string) => call(business.export.$get(byId(id))),
  close: (id: string) => call(business.close.$post(byId(id))),
  invites: () => call(rpc.operator.invites.$get()),
  createInvite: (note: string) => call(rpc.operator.invites.$post({ json: { note } })),

  requestReset: (email: string, locale: 'en' | 'pl') =>
    call(rpc.staff['password-reset'].$post({ json: { email, locale } })),
  confirmReset: (token: string, password: string) =>
    call(rpc.staff['password-reset'].confirm.$post({ json: { token, password } })),
}
