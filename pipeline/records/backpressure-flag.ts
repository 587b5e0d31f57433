// The processor's backpressure flag in the RDI database (BACKPRESSURE_KEY): a hash present
// while the processor asks for capture to pause, absent when clear. Written by the processor
// (processor/backpressure-monitor.ts), read by the operator (to pause the collector), the
// API's status and the exporter. Pure.

import { BACKPRESSURE_KEY } from '../redis-keys.ts';
import type { HashFields } from './record-fields.ts';
import { invalidField, optionalNumber } from './record-fields.ts';

export interface BackpressureFlag {
  /** Why, for people: the reasons joined by '; '. */
  readonly reason: string;
  /** When the flag was raised (ms since the epoch). */
  readonly since: number | undefined;
  /** Entries not yet processed over all streams, at the last check. */
  readonly backlog: number | undefined;
  readonly usedMemory: number | undefined;
  readonly maxMemory: number | undefined;
  /** A target was failing at the last check. */
  readonly targetDown: boolean | undefined;
  /** The last check that kept the flag raised (ms since the epoch): a reader tells a stale flag. */
  readonly updatedAt: number | undefined;
}

/** The fields of an HSET on BACKPRESSURE_KEY that raises (or refreshes) the flag. */
export function encodeBackpressureFlag(flag: BackpressureFlag): Record<string, string | number> {
  const fields: Record<string, string | number> = { reason: flag.reason };
  if (flag.since !== undefined) fields.since = flag.since;
  if (flag.backlog !== undefined) fields.backlog = flag.backlog;
  if (flag.usedMemory !== undefined) fields.used_memory = flag.usedMemory;
  if (flag.maxMemory !== undefined) fields.maxmemory = flag.maxMemory;
  if (flag.targetDown !== undefined) fields.target_down = flag.targetDown ? 1 : 0;
  if (flag.updatedAt !== undefined) fields.updated_at = flag.updatedAt;
  return fields;
}

/**
 * The flag from HGETALL: undefined when the hash is empty (clear). Every field but the flag's
 * presence is optional (an older processor wrote only `reason` and `since`); a malformed
 * field is RDI_RECORD_INVALID.
 */
export function decodeBackpressureFlag(fields: HashFields): BackpressureFlag | undefined {
  if (Object.keys(fields).length === 0) return undefined;
  const key = BACKPRESSURE_KEY;
  const targetDown = fields.target_down;
  if (targetDown !== undefined && targetDown !== '0' && targetDown !== '1') {
    throw invalidField(key, 'target_down', targetDown, '0 or 1');
  }
  return {
    reason: fields.reason ?? '',
    since: optionalNumber(fields, key, 'since'),
    backlog: optionalNumber(fields, key, 'backlog'),
    usedMemory: optionalNumber(fields, key, 'used_memory'),
    maxMemory: optionalNumber(fields, key, 'maxmemory'),
    targetDown: targetDown === undefined ? undefined : targetDown === '1',
    updatedAt: optionalNumber(fields, key, 'updated_at'),
  };
}
