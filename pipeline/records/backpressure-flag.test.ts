import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../../common/errors.ts';
import type { BackpressureFlag } from './backpressure-flag.ts';
import { decodeBackpressureFlag, encodeBackpressureFlag } from './backpressure-flag.ts';

const raised: BackpressureFlag = {
  reason: 'backlog 1200 ≥ 1000; target down',
  since: 1000,
  backlog: 1200,
  usedMemory: 5_000_000,
  maxMemory: 0,
  targetDown: true,
  updatedAt: 2000,
};

/** The hash as Redis returns it: every value a string. */
function stored(fields: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)]));
}

describe('backpressure flag record', () => {
  it('round-trips a raised flag, and a clear one (no hash) decodes as undefined', () => {
    expect(decodeBackpressureFlag(stored(encodeBackpressureFlag(raised)))).toEqual(raised);
    const calm = { ...raised, targetDown: false };
    expect(decodeBackpressureFlag(stored(encodeBackpressureFlag(calm)))).toEqual(calm);
    expect(decodeBackpressureFlag({})).toBeUndefined();
  });

  it('reads a flag of an older processor that wrote only its reason', () => {
    expect(decodeBackpressureFlag({ reason: 'x' })).toEqual({
      reason: 'x',
      since: undefined,
      backlog: undefined,
      usedMemory: undefined,
      maxMemory: undefined,
      targetDown: undefined,
      updatedAt: undefined,
    });
  });

  it('rejects malformed fields with a coded error naming the field', () => {
    for (const [field, value] of [
      ['updated_at', 'soon'],
      ['target_down', 'yes'],
      ['backlog', ''],
    ] as const) {
      let thrown: unknown;
      try {
        decodeBackpressureFlag({ reason: 'x', [field]: value });
      } catch (error) {
        thrown = error;
      }
      expect(isSluiceError(thrown, 'RDI_RECORD_INVALID')).toBe(true);
      expect((thrown as Error).message).toContain(`'${field}'`);
    }
  });
});
