/** The merchant console's admin calls (branding, staff, customers). Built into the lazy staff chunk. */
import { call, idem, rpc, seg, signal, type JsonOf } from './client.js'

export type {
  Branding,
  CustomerDetail,
  CustomerPage,
  StaffInvitation,
  StaffMember,
} from '../../server/contract/console.js'

/** Mirrors MAX_LOGO_BYTES and LOGO_TYPES in server/contract/console.ts (not imported: that module pulls in zod). */
export const MAX_LOGO_BYTES = 2 * 1024 * 1024
export const LOGO_ACCEPT = 'image/png,image/jpeg,image/webp'

export const consoleApi = {
  branding: () => call(rpc.merchant.branding.$get()),
  updateBranding: (body: JsonOf<typeof rpc.merchant.branding.$put>) => call(rpc.merchant.branding.$put({ json: body })),
  /** The image is the raw body; fetch sends the file's own Content-Type. */
  uploadLogo: (file: Blob) => call(rpc.merchant.branding.logo.$post(undefined, { init: { body: file } })),
  removeLogo: () => call(rpc.merchant.branding.logo.$delete()),

  /** A download link (the browser sends the session cookie). */
  qrUrl: (linkId: string, format: 'png' | 'svg') =>
    rpc.merchant['signup-links'][':id'].qr.$path({ param: { id: seg(linkId) }, query: { format } }),

  staff: () => call(rpc.merchant.staff.$get()),
  invite: (body: JsonOf<typeof rpc.merchant.staff.$post>) => call(rpc.merchant.staff.$post({ json: body })),
  reinvite: (id: string) => call(rpc.merchant.staff[':id'].invite.$post({ param: { id: seg(id) } })),
  updateStaff: (id: string, body: JsonOf<(typeof rpc.merchant.staff)[':id']['$patch']>) =>
    call(rpc.merchant.staff[':id'].$patch({ param: { id: seg(id) }, json: body })),
  inviteInfo: (token: string) => call(rpc.staff.invite.info.$post({ json: { token } })),
  acceptInvite: (body: JsonOf<typeof rpc.staff.invite.accept.$post>) =>
    call(rpc.staff.invite.accept.$post({ json: body })),

  customers: (q: string, offset: number, limit = 20, s?: AbortSignal) =>
    call(rpc.merchant.customers.$get({ query: { q, limit: String(limit), offset: String(offset) } }, signal(s))),
  customer: (cardId: string) => call(rpc.merchant.customers[':id'].$get({ param: { id: seg(cardId) } })),
  customerHistory: (cardId: string, before: number) =>
    call(rpc.merchant.customers[':id'].history.$get({ param: { id: seg(cardId) }, query: { before: String(before) } })),
  adjust: (cardId: string, body: JsonOf<(typeof rpc.merchant.customers)[':id']['adjust']['$post']>, key: string) =>
    call(rpc.merchant.customers[':id'].adjust.$post({ param: { id: seg(cardId) }, json: body, header: idem(key) })),
}
