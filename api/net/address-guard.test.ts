// The SSRF guard of connection tests: link-local and metadata addresses are refused in every
// spelling (IPv6 forms that carry an IPv4 address included, also behind a DNS name), ordinary
// hosts are not.
import { describe, expect, it } from 'vitest';
import { forbiddenHostReason } from './address-guard.ts';
import { resolveAllowedAddress } from './resolve-allowed.ts';

const REFUSED = [
  '169.254.169.254',
  '169.254.0.1',
  'fe80::1',
  'FEBF::abcd',
  '[fe80::1]',
  'fe80::1%eth0',
  '::ffff:169.254.169.254',
  '::ffff:a9fe:a9fe',
  // IPv4-compatible, IPv4-translated, NAT64 (well-known and local-use prefix), 6to4, Teredo.
  '::169.254.169.254',
  '::a9fe:a9fe',
  '::ffff:0:a9fe:a9fe',
  '::ffff:0:169.254.169.254',
  '64:ff9b::a9fe:a9fe',
  '64:ff9b::169.254.169.254',
  '64:ff9b:1:a9fe:a9:fea9:0:0',
  '2002:a9fe:a9fe::1',
  '2001:0:4136:e378:8000:63bf:5601:5601',
  'fd00:ec2::254',
  '100.100.100.200',
  '::ffff:100.100.100.200',
  'metadata.google.internal',
  'METADATA.google.internal.',
  'metadata',
  'instance-data',
];

const ALLOWED = [
  '127.0.0.1',
  '10.0.0.5',
  'db.example.com',
  '::1',
  '::',
  'fec0::1',
  '169.253.1.1',
  '::ffff:10.0.0.1',
  '64:ff9b::a00:1',
  '2002:a00:1::1',
  'localhost',
];

describe('forbiddenHostReason', () => {
  it.each(REFUSED)('refuses %s', (host) => {
    expect(forbiddenHostReason(host)).toBeDefined();
  });

  it.each(ALLOWED)('allows %s', (host) => {
    expect(forbiddenHostReason(host)).toBeUndefined();
  });
});

describe('resolveAllowedAddress', () => {
  const answering =
    (...addresses: string[]) =>
    (): Promise<{ address: string }[]> =>
      Promise.resolve(addresses.map((address) => ({ address })));

  it.each(['64:ff9b::a9fe:a9fe', '::ffff:0:a9fe:a9fe', '2002:a9fe:a9fe::1', '::169.254.169.254'])(
    'refuses a harmless name that resolves to %s',
    async (address) => {
      const resolved = await resolveAllowedAddress(
        'db.example.com',
        answering('10.0.0.7', address),
      );
      expect(resolved).toMatchObject({ ok: false, code: 'ADDRESS_FORBIDDEN' });
    },
  );

  it('returns the first address of a name whose addresses are all allowed', async () => {
    const resolved = await resolveAllowedAddress('db.example.com', answering('10.0.0.7', '::1'));
    expect(resolved).toEqual({ ok: true, address: '10.0.0.7' });
  });
});
