// `sluice status` (alias `describe`): phase, components, backpressure, errors with what to
// do, snapshot progress and a per-stream table; `--live` refreshes it until Ctrl-C.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { SluiceError } from '../../common/errors.ts';
import { formatTime, renderTable } from '../output.ts';
import { pipelinePath, type Runtime } from '../runtime.ts';

interface StreamRow {
  table: string;
  total: number;
  pending: number;
  lag: number;
  inserted: number;
  updated: number;
  deleted: number;
  filtered: number;
  rejected: number;
  dlq_length: number;
  last_arrival?: number;
}

interface Status {
  name: string;
  desired_state: string;
  phase: string;
  components: { name: string; state: string; restarts?: number; message?: string }[];
  errors: { code: string; message: string; remediation?: string }[];
  snapshot?: unknown;
  backpressure: { active: boolean; reason?: string };
  streams: StreamRow[];
}

const PHASES: Readonly<Record<string, string>> = {
  initial_sync: 'initial sync',
  cdc: 'change streaming (CDC)',
};

export function registerStatusCommand(program: Command, rt: Runtime): void {
  program
    .command('status')
    .alias('describe')
    .description('show the pipeline status with per-stream statistics')
    .option('--live', 'refresh until Ctrl-C')
    .option('--interval <seconds>', 'refresh interval with --live', '2')
    .option('--iterations <n>', 'with --live, stop after n refreshes')
    .action(
      async (
        options: { live?: boolean; interval: string; iterations?: string },
        command: Command,
      ) => {
        const interval = Number(options.interval);
        const iterations = options.iterations === undefined ? Infinity : Number(options.iterations);
        if (!(interval > 0) || !(iterations > 0)) {
          throw new SluiceError(
            'REQUEST_INVALID',
            '--interval and --iterations must be positive numbers.',
          );
        }
        const client = await rt.client(command);
        for (let round = 1; ; round++) {
          const status = (await client.request('GET', pipelinePath(client, '/status'))) as Status;
          if (options.live === true && rt.io.interactive) rt.io.out('\x1b[2J\x1b[H');
          rt.print(command, status, () => statusText(status, rt.io.now()));
          if (options.live !== true || round >= iterations) return;
          // Ctrl-C aborts the pause and ends the command cleanly (exit code 0).
          const stopped = await sleep(interval * 1000, false, { signal: rt.io.signal }).catch(
            () => true,
          );
          if (stopped) return;
        }
      },
    );
}

export function statusText(status: Status, now: number): string {
  const lines = [
    `Pipeline:     ${status.name}`,
    `Desired:      ${status.desired_state}`,
    `Phase:        ${PHASES[status.phase] ?? status.phase}`,
    `Backpressure: ${status.backpressure.active ? `ON (${status.backpressure.reason ?? 'no reason given'})` : 'off'}`,
  ];
  const progress = snapshotProgress(status.snapshot);
  if (progress !== undefined) lines.push(`Snapshot:     ${progress}`);
  if (status.components.length > 0) {
    lines.push('', 'Components:');
    for (const c of status.components) {
      lines.push(
        `  ${c.name}: ${c.state}${c.restarts ? ` (${c.restarts} restarts)` : ''}${c.message ? ` — ${c.message}` : ''}`,
      );
    }
  }
  for (const e of status.errors) {
    lines.push(
      '',
      `! ${e.code}: ${e.message}`,
      ...(e.remediation === undefined ? [] : [`  → ${e.remediation}`]),
    );
  }
  lines.push('');
  const table = renderTable(status.streams, [
    { header: 'TABLE', value: (s) => s.table },
    { header: 'TOTAL', value: (s) => s.total },
    { header: 'PENDING', value: (s) => s.pending + s.lag },
    { header: 'INSERTED', value: (s) => s.inserted },
    { header: 'UPDATED', value: (s) => s.updated },
    { header: 'DELETED', value: (s) => s.deleted },
    { header: 'FILTERED', value: (s) => s.filtered },
    { header: 'REJECTED', value: (s) => s.rejected },
    { header: 'DLQ', value: (s) => s.dlq_length },
    { header: 'LAST ARRIVAL', value: (s) => ago(s.last_arrival, now) },
  ]);
  return `${lines.join('\n')}\n${status.streams.length === 0 ? 'No streams yet.\n' : table}`;
}

/** A bar when the operator reports `tables_total` and `tables_completed` (or rows). */
function snapshotProgress(snapshot: unknown): string | undefined {
  if (typeof snapshot !== 'object' || snapshot === null) return undefined;
  const s = snapshot as Record<string, unknown>;
  if (s.completed === true) return 'completed';
  const total = s.tables_total;
  const done = s.tables_completed;
  if (typeof total !== 'number' || typeof done !== 'number' || total <= 0) return undefined;
  const width = 30;
  const filled = Math.round((Math.min(done, total) / total) * width);
  const rows = typeof s.rows_scanned === 'number' ? `, ${s.rows_scanned} rows` : '';
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} tables${rows}`;
}

function ago(ms: number | undefined, now: number): string | undefined {
  if (ms === undefined) return undefined;
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 120) return `${seconds}s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m ago`;
  return formatTime(ms);
}
