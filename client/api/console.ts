/** The merchant console's admin calls (branding, staff, customers). Built into the lazy staff chunk. */
import type { z } from 'zod'
import type {
  AcceptInvite,
  Branding,
  CustomerDetail,
  CustomerPage,
  InviteInfo,
  InviteStaff,
  StaffInvitation,
  StaffMember,
  UpdateBranding,
} from '../../server/contract/console.js'
import type { Adjustment } from '../../server/contract/staff.js'
import { request, type AwardResponse, type Role, type StaffMe } from './client.js'

export type { Branding, CustomerDetail, CustomerPage, StaffInvitation, StaffMember }
export type { CustomerRow } from '../../server/contract/console.js'

/** Mirrors MAX_LOGO_BYTES and LOGO_TYPES in server/contract/console.ts (not imported: that module pulls in zod). */
export const MAX_LOGO_BYTES = 2 * 1024 * 1024
export const LOGO_ACCEPT = 'image/png,image/jpeg,image/webp'

const seg = encodeURIComponent

export const consoleApi = {
  branding: () => request<Branding>('GET', '/merchant/branding'),
  updateBranding: (body: z.input<typeof UpdateBranding>) => request<Branding>('PUT', '/merchant/branding', { body }),
  uploadLogo: (file: Blob) => request<Branding>('POST', '/merchant/branding/logo', { body: file }),
  removeLogo: () => request<Branding>('DELETE', '/merchant/branding/logo'),

  /** A download link (the browser sends the session cookie). */
  qrUrl: (linkId: string, format: 'png' | 'svg') => `/api/merchant/signup-links/${seg(linkId)}/qr?format=${format}`,

  staff: () => request<{ staff: StaffMember[] }>('GET', '/merchant/staff'),
  invite: (body: z.input<typeof InviteStaff>) => request<StaffInvitation>('POST', '/merchant/staff', { body }),
  reinvite: (id: string) => request<StaffInvitation>('POST', `/merchant/staff/${seg(id)}/invite`),
  updateStaff: (id: string, body: { role?: Role; active?: boolean }) =>
    request<StaffMember>('PATCH', `/merchant/staff/${seg(id)}`, { body }),
  inviteInfo: (token: string) => request<z.infer<typeof InviteInfo>>('POST', '/staff/invite/info', { body: { token } }),
  acceptInvite: (body: z.input<typeof AcceptInvite>) => request<StaffMe>('POST', '/staff/invite/accept', { body }),

  customers: (q: string, offset: number, limit = 20, signal?: AbortSignal) =>
    request<CustomerPage>('GET', `/merchant/customers?q=${seg(q)}&limit=${limit}&offset=${offset}`, { signal }),
  customer: (cardId: string) => request<CustomerDetail>('GET', `/merchant/customers/${seg(cardId)}`),
  adjust: (cardId: string, body: z.input<typeof Adjustment>, key: string) =>
    request<AwardResponse>('POST', `/merchant/customers/${seg(cardId)}/adjust`, {
      body,
      headers: { 'Idempotency-Key': key },
    }),
}
