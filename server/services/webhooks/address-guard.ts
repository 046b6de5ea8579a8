import dns from 'node:dns'
import net from 'node:net'
import { DomainError } from '../../domain/errors.js'

/*
 * SSRF guard: an endpoint may not point into our own network. Addresses in private, loopback,
 * link-local, shared (CGNAT), multicast and reserved ranges are refused, checked both when an
 * endpoint is saved and at every connection (the address the request really connects to, so a name
 * that resolves elsewhere later gains nothing). In development anything goes; WEBHOOKS_ALLOW_LOCALHOST
 * lets loopback through (tests run their receivers there).
 */

export interface AddressPolicy {
  /** Development: every address. */
  anyAddress: boolean
  /** WEBHOOKS_ALLOW_LOCALHOST: loopback (127.0.0.0/8, ::1) as well. */
  loopback: boolean
}

const blocked = new net.BlockList()
for (const [net4, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net4, bits, 'ipv4')
for (const [net6, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net6, bits, 'ipv6')

const isLoopback = (ip: string) => (net.isIPv4(ip) ? ip.startsWith('127.') : ip === '::1' || ip === '0:0:0:0:0:0:0:1')

/** Why a connection to `ip` is refused, or null when it may go ahead. */
export function addressProblem(ip: string, policy: AddressPolicy): string | null {
  if (policy.anyAddress) return null
  // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1]
  const addr = mapped ?? ip
  const family = net.isIPv4(addr) ? 'ipv4' : 'ipv6'
  if (policy.loopback && isLoopback(addr)) return null
  if (blocked.check(addr, family)) return `${addr} is a private, loopback, link-local or reserved address`
  return null
}

/** All addresses a host name resolves to (an IP literal is its own). */
export async function resolveAll(host: string): Promise<string[]> {
  const bare = host.replace(/^\[|\]$/g, '')
  if (net.isIP(bare)) return [bare]
  const found = await dns.promises.lookup(bare, { all: true, verbatim: true })
  return found.map((a) => a.address)
}

/**
 * Checks an endpoint's address before it is saved: https (http only to loopback when allowed, or in
 * development), no credentials in it, and every address its host resolves to allowed.
 */
export async function assertEndpointAllowed(raw: string, policy: AddressPolicy): Promise<void> {
  const refuse = (problem: string): never => {
    throw new DomainError('validation_failed', `url: ${problem}`, [{ path: 'url', message: problem }])
  }
  const url = new URL(raw)
  if (url.username || url.password) refuse('an address without a user name or password in it')
  let addresses: string[] = []
  try {
    addresses = await resolveAll(url.hostname)
  } catch {
    refuse(`${url.hostname} does not resolve to an address`)
  }
  if (!addresses.length) refuse(`${url.hostname} does not resolve to an address`)
  for (const a of addresses) {
    const problem = addressProblem(a, policy)
    if (problem) refuse(`refused: ${url.hostname} resolves to ${problem}`)
  }
  const loopbackOnly = addresses.every((a) => addressProblem(a, { anyAddress: false, loopback: true }) === null)
  if (url.protocol !== 'https:' && !policy.anyAddress && !(policy.loopback && loopbackOnly))
    refuse('an https:// address')
}

/**
 * A `lookup` for http(s).request that resolves as usual and refuses a connection to any address the
 * policy does not allow; the request connects only to addresses it returned.
 */
export function guardedLookup(policy: AddressPolicy): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true, verbatim: true }, (err, addresses) => {
      if (err) return callback(err, '', 0)
      const list = addresses as dns.LookupAddress[]
      for (const a of list) {
        const problem = addressProblem(a.address, policy)
        if (problem) return callback(Object.assign(new Error(`refused: ${problem}`), { code: 'EREFUSED' }), '', 0)
      }
      if ((options as dns.LookupAllOptions).all)
        return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list)
      const first = list[0]
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0)
      callback(null, first.address, first.family)
    })
  }
}
