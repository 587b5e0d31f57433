// Refuses addresses a connection test must never reach: link-local ranges (169.254.0.0/16,
// fe80::/10), where clouds serve instance metadata and credentials, and the metadata host
// names. A dry run would otherwise let an API user probe them (SSRF). Pure.
//
// Addresses are classified by ipaddr.js, which knows the IPv6 forms that carry an IPv4
// address (mapped, translated, NAT64, 6to4, Teredo, IPv4-compatible): each is judged by the
// IPv4 address it reaches, so `64:ff9b::a9fe:a9fe` is refused like 169.254.169.254.

import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

const METADATA_HOSTS = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.internal',
  'metadata.tencentyun.com',
  'metadata.platformequinix.com',
]);

// Metadata services outside the link-local ranges (AWS IPv6, Alibaba Cloud).
const METADATA_V6 = ipaddr.IPv6.parse('fd00:ec2::254');
const METADATA_V4 = ipaddr.IPv4.parse('100.100.100.200');

/** Why `host` (a name or a literal address) must not be contacted; undefined when allowed. */
export function forbiddenHostReason(host: string): string | undefined {
  const name = host
    .trim()
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^\[(.*)\]$/, '$1');
  if (METADATA_HOSTS.has(name)) return 'is a cloud metadata host name';
  if (isIP(name) !== 0) return forbiddenAddressReason(name);
  return undefined;
}

/** Why the literal IP address must not be contacted; undefined when allowed. */
export function forbiddenAddressReason(address: string): string | undefined {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    // Not an address ipaddr.js can read: refuse rather than guess what the OS will make of it.
    return 'is not an IP address this guard can classify';
  }
  if (parsed.kind() === 'ipv4') return forbiddenIpv4(parsed as ipaddr.IPv4);
  const v6 = parsed as ipaddr.IPv6;
  const inner = embeddedIpv4(v6);
  if (inner !== undefined) {
    const reason = forbiddenIpv4(inner);
    return reason === undefined ? undefined : `carries ${inner.toString()}, which ${reason}`;
  }
  if (v6.range() === 'linkLocal') return 'is a link-local address (fe80::/10)';
  if (v6.match(METADATA_V6, 128)) return 'is a cloud metadata address';
  return undefined;
}

function forbiddenIpv4(ip: ipaddr.IPv4): string | undefined {
  if (ip.range() === 'linkLocal') return 'is a link-local address (169.254.0.0/16)';
  if (ip.match(METADATA_V4, 32)) return 'is a cloud metadata address';
  return undefined;
}

/** The IPv4 address an IPv6 address stands for, by the standard embeddings; else undefined. */
function embeddedIpv4(ip: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const bytes = ip.toByteArray();
  const v4 = (...at: number[]): ipaddr.IPv4 => new ipaddr.IPv4(at.map((i) => bytes[i] ?? 0));
  switch (ip.range()) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d
    case 'rfc6145': // ::ffff:0:a.b.c.d (IPv4-translated)
      return v4(12, 13, 14, 15);
    case 'rfc6052':
      // 64:ff9b::/96 keeps the address in the last 32 bits; the local-use 64:ff9b:1::/48
      // splits it around the reserved octet 8 (RFC 6052, section 2.2).
      return ip.parts[2] === 0 ? v4(12, 13, 14, 15) : v4(6, 7, 9, 10);
    case '6to4': // 2002:AABB:CCDD::/48
      return v4(2, 3, 4, 5);
    case 'teredo': {
      // The client's address is stored inverted in the last 32 bits.
      const client = [12, 13, 14, 15].map((i) => (bytes[i] ?? 0) ^ 0xff);
      return new ipaddr.IPv4(client);
    }
    default:
      // IPv4-compatible ::a.b.c.d (deprecated, but still routed by some stacks).
      if (bytes.slice(0, 12).every((b) => b === 0) && ip.range() !== 'loopback') {
        return ip.range() === 'unspecified' ? undefined : v4(12, 13, 14, 15);
      }
      return undefined;
  }
}
