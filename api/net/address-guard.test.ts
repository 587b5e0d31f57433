// The SSRF guard of connection tests: link-local and metadata addresses are refused,
// ordinary hosts are not.
import { describe, expect, it } from 'vitest';
import { forbiddenHostReason } from './address-guard.ts';

describe('forbiddenHostReason', () => {
  it.each([
    '169.254.169.254',
    '169.254.0.1',
    'fe80::1',
    'FEBF::abcd',
    '[fe80::1]',
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    'fd00:ec2::254',
    '100.100.100.200',
    'metadata.google.internal',
    'METADATA.google.internal.',
    'metadata',
    'instance-data',
  ])('refuses %s', (host) => {
    expect(forbiddenHostReason(host)).toBeDefined();
  });

  it.each([
    '127.0.0.1',
    '10.0.0.5',
    'db.example.com',
    '::1',
    'fec0::1',
    '169.253.1.1',
    'localhost',
  ])('allows %s', (host) => {
    expect(forbiddenHostReason(host)).toBeUndefined();
  });
});
