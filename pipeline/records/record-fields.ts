// Reading the fields of a hash record the RDI database holds as the types its codec declares.
// A record is written by one component and read by others: a field that does not hold what
// its codec says is a coded error naming the key and the field, never a silent NaN. Pure.

import { SluiceError } from '../../common/errors.ts';

/** A hash as HGETALL returns it; empty when the key does not exist. */
export type HashFields = Readonly<Record<string, string>>;

/** The hash commands a codec queues (ioredis' client, pipeline and MULTI all have them). */
export interface HashCommands {
  hset(key: string, fields: Record<string, string | number>): unknown;
  hincrby(key: string, field: string, increment: number): unknown;
  hincrbyfloat(key: string, field: string, increment: number): unknown;
}

export function invalidField(
  key: string,
  field: string,
  raw: string,
  expected: string,
): SluiceError {
  return new SluiceError(
    'RDI_RECORD_INVALID',
    `The RDI database's record '${key}' holds '${raw.slice(0, 40)}' in its field '${field}', which should be ${expected}.`,
    {
      path: `${key}.${field}`,
      hint: 'another program wrote this key; delete the key and the Sluice component that owns it writes it afresh',
    },
  );
}

/** The field as a finite number; undefined when absent. */
export function optionalNumber(fields: HashFields, key: string, field: string): number | undefined {
  const raw = fields[field];
  if (raw === undefined) return undefined;
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(value)) throw invalidField(key, field, raw, 'a number');
  return value;
}

/** A counter: absent counts as 0 (HINCRBY creates it on the first increment). */
export function counter(fields: HashFields, key: string, field: string): number {
  return optionalNumber(fields, key, field) ?? 0;
}
