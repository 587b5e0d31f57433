// What the operator reported about a pipeline (`sluice:pipeline:<name>:status`), checked
// field by field: a malformed or missing report degrades to "not running" with a remediation
// instead of failing the status request.

import type { Redis } from 'ioredis';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { pipelineStatusKey } from '../../pipeline/redis-keys.ts';
import { Component, StatusError } from '../schemas/status.ts';

const Components = Type.Array(Component);
const Errors = Type.Array(StatusError);

export interface OperatorReport {
  readonly phase: string;
  readonly reportedAt: number | undefined;
  readonly components: Static<typeof Components>;
  readonly errors: Static<typeof Errors>;
  readonly snapshot: unknown;
}

export async function readOperatorReport(rdi: Redis, name: string): Promise<OperatorReport> {
  const fields = await rdi.hgetall(pipelineStatusKey(name));
  if (fields.phase === undefined) {
    return {
      phase: 'not_running',
      reportedAt: undefined,
      components: [],
      errors: [
        {
          code: 'NO_OPERATOR',
          message: 'No operator has reported on this pipeline.',
          remediation:
            'start the pipeline and make sure an operator is running against this RDI database',
        },
      ],
      snapshot: undefined,
    };
  }
  return {
    phase: fields.phase,
    reportedAt: fields.updated_at === undefined ? undefined : Number(fields.updated_at),
    components: parsed(Components, fields.components) ?? [],
    errors: parsed(Errors, fields.errors) ?? [],
    snapshot: parsed(Type.Unknown(), fields.snapshot),
  };
}

function parsed<T extends typeof Components | typeof Errors | ReturnType<typeof Type.Unknown>>(
  schema: T,
  text: string | undefined,
): Static<T> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return Value.Check(schema, value) ? value : undefined;
  } catch {
    return undefined;
  }
}
