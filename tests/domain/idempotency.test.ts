import { describe, expect, it } from 'vitest'
import { requestHash } from '../../server/services/common/idempotency.js'

describe('idempotent request identity', () => {
  it('hashes the same request the same whatever the key order', () => {
    expect(requestHash({ a: 1, b: { c: 2, d: [1, 2] } })).toBe(requestHash({ b: { d: [1, 2], c: 2 }, a: 1 }))
  })
  it('tells different amounts apart', () => {
    expect(requestHash({ handle: 'h', amountMinor: 100 })).not.toBe(requestHash({ handle: 'h', amountMinor: 101 }))
  })
  it('ignores absent optional fields', () => {
    expect(requestHash({ a: 1, b: undefined })).toBe(requestHash({ a: 1 }))
  })
})
