// The JSON view of a job dry-run: records and commands as the processor would produce them,
// made safe for a response (exact big integers as strings, TOAST markers as placeholder text).

import type { DryRunRecord, DryRunResult } from '../../processor/core/jobs/dry-run.ts';
import { jsonSafe } from './json-safe.ts';

export interface RecordView {
  readonly input: number;
  readonly outcome: DryRunRecord['outcome'];
  readonly record?: unknown;
  readonly commands: string[][];
  readonly error?: { readonly code: string; readonly message: string };
}

export function recordView(detail: DryRunRecord): RecordView {
  return {
    input: detail.input,
    outcome: detail.outcome,
    ...(detail.record === undefined ? {} : { record: jsonSafe(detail.record) }),
    commands: detail.commands.map((command) => [...command]),
    ...(detail.error === undefined ? {} : { error: detail.error }),
  };
}

export function dryRunView(result: DryRunResult): {
  records: unknown[];
  commands: string[][];
  details: RecordView[];
} {
  return {
    records: result.records.map(jsonSafe),
    commands: result.commands.map((command) => [...command]),
    details: result.details.map(recordView),
  };
}
