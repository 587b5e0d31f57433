import { describe, expect, it } from 'vitest';
import { fnv1a32, replicaServerId, replicationSlotName } from './render-source-identity.ts';

describe('replicationSlotName', () => {
  it('is sluice_<name> for a lower-case name', () => {
    expect(replicationSlotName('pg')).toBe('sluice_pg');
    expect(replicationSlotName('orders_db2')).toBe('sluice_orders_db2');
  });

  it('keeps names apart that differ only in characters a slot cannot hold', () => {
    const names = ['Pg-1', 'pg_1', 'pg-1'].map(replicationSlotName);
    expect(new Set(names).size).toBe(3);
    expect(replicationSlotName('pg_1')).toBe('sluice_pg_1');
    expect(replicationSlotName('Pg-1')).toMatch(/^sluice_pg_1_[0-9a-f]{8}$/);
  });

  it('fits PostgreSQL identifiers (63 characters)', () => {
    const name = replicationSlotName('x'.repeat(100));
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z0-9_]+$/);
  });
});

describe('replicaServerId', () => {
  it('is stable and in range', () => {
    expect(replicaServerId('maria')).toBe(replicaServerId('maria'));
    expect(replicaServerId('maria')).not.toBe(replicaServerId('mariA'));
    for (const name of ['a', 'maria', 'x'.repeat(50)]) {
      expect(replicaServerId(name)).toBeGreaterThanOrEqual(1_000_000);
      expect(replicaServerId(name)).toBeLessThan(1_001_000_000);
    }
  });

  it('uses FNV-1a', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
  });
});
