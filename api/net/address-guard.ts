// Refuses addresses a connection test must never reach: link-local ranges (169.254.0.0/16,
// fe80::/10), where clouds serve instance metadata and credentials, and the metadata host
// names. A dry run would otherwise let an API user probe them (SSRF). Pure.

import { isIP } from 'node:net';

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
const METADATA_ADDRESSES = new Set(['fd00:ec2::254', '100.100.100.200']);

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
  const ip = address.toLowerCase();
  if (METADATA_ADDRESSES.has(ip)) return 'is a cloud metadata address';
  const v4 = isIP(ip) === 4 ? ip : mappedIpv4(ip);
  if (v4 !== undefined) {
    return v4.startsWith('169.254.') ? 'is a link-local address (169.254.0.0/16)' : undefined;
  }
  if (isIP(ip) === 6 && isLinkLocalV6(ip)) return 'is a link-local address (fe80::/10)';
  return undefined;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d or ::ffff:xxxx:xxxx). */
function mappedIpv4(ip: string): string | undefined {
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (dotted?.[1] !== undefined) return dotted[1];
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ip);
  if (hex?.[1] === undefined || hex[2] === undefined) return undefined;
  const high = parseInt(hex[1], 16);
  const low = parseInt(hex[2], 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

function isLinkLocalV6(ip: string): boolean {
  const first = ip.split(':', 1)[0] ?? '';
  if (first.length === 0) return false;
  // fe80::/10 = first 16-bit group from fe80 to febf.
  const group = parseInt(first.padStart(4, '0'), 16);
  return group >= 0xfe80 && group <= 0xfebf;
}
