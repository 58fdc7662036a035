// The client address behind proxies, honouring X-Forwarded-For only from proxies the operator trusts.
// Anyone can send an X-Forwarded-For header; believing it from an untrusted hop lets an attacker pick
// the address that brute-force and stuffing alerts group by (OWASP: "attacker causes the wrong
// identity to be logged").
import { BlockList, isIP } from 'node:net';

export interface ClientEndpoint {
  address: string | undefined;
  /** The TCP peer port; only when the peer is the client itself (a proxy's port says nothing). */
  port: number | undefined;
}

/** Normalizes ::ffff:10.0.0.1 to 10.0.0.1, so IPv4 rules match IPv4 peers on dual-stack sockets. */
export function normalizeAddress(address: string): string {
  const trimmed = address.trim();
  return trimmed.startsWith('::ffff:') && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed;
}

/**
 * A matcher for trusted proxies: exact addresses, CIDR blocks ("10.0.0.0/8", "fd00::/8") or the
 * word "loopback". Throws a RangeError naming the entry that is neither.
 */
export function trustedProxyMatcher(entries: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const [index, raw] of entries.entries()) {
    const entry = raw.trim();
    if (entry === 'loopback') {
      list.addSubnet('127.0.0.0', 8, 'ipv4');
      list.addAddress('::1', 'ipv6');
      continue;
    }
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) {
      throw new RangeError(
        `trustedProxies[${index}]: ${JSON.stringify(raw)} is not an IP address, CIDR block or "loopback"`,
      );
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (address) => {
    const normalized = normalizeAddress(address);
    const family = isIP(normalized);
    return family !== 0 && list.check(normalized, family === 4 ? 'ipv4' : 'ipv6');
  };
}

/**
 * Walks X-Forwarded-For from the right (the hop our trusted proxy added) and stops at the first
 * address that is not a trusted proxy: that is the client. Without a trusted peer the header is ignored.
 */
export function resolveClient(
  peerAddress: string | undefined,
  peerPort: number | undefined,
  forwardedFor: string | string[] | undefined,
  isTrusted: (address: string) => boolean,
): ClientEndpoint {
  if (!peerAddress) return { address: undefined, port: undefined };
  const peer = normalizeAddress(peerAddress);
  if (!isTrusted(peer) || forwardedFor === undefined) return { address: peer, port: peerPort };
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((hop) => normalizeAddress(hop))
    .filter((hop) => hop !== '');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (isIP(hop) === 0) return { address: peer, port: peerPort }; // a forged, unparsable hop: trust nothing left of it
    if (!isTrusted(hop)) return { address: hop, port: undefined };
  }
  return { address: hops[0] ?? peer, port: hops.length ? undefined : peerPort };
}
