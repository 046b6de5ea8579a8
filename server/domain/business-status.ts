import { DomainError } from './errors.js'

export type BusinessStatus = 'setup' | 'live' | 'suspended' | 'closed'

/** Where a business stands, from its timestamps: closed over suspended over not yet live. */
export function businessStatus(m: {
  live_at: string | null
  suspended_at: string | null
  closed_at: string | null
}): BusinessStatus {
  if (m.closed_at) return 'closed'
  if (m.suspended_at) return 'suspended'
  return m.live_at ? 'live' : 'setup'
}

/**
 * Refuses what a suspended or closed business may not do (award, redeem, stamp, push, take POS
 * earns). A business still being set up may: its owner practises at the till before going live.
 */
export function assertBusinessActive(m: Parameters<typeof businessStatus>[0] & { name: string }): void {
  const status = businessStatus(m)
  if (status === 'suspended') {
    throw new DomainError(
      'business_suspended',
      `${m.name} is suspended by the platform operator: points, rewards, stamps and messages are paused until it is resumed.`,
    )
  }
  if (status === 'closed') {
    throw new DomainError('business_closed', `${m.name} has closed its loyalty program.`)
  }
}
