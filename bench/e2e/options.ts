// Command-line options shared by the end-to-end benchmarks, and the working folder and process
// registry of one benchmark run (every server stopped, the folder removed, even on Ctrl-C).
import { rmSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ProcessRegistry } from '../../harness/process-registry.ts';
import type { Overrides } from './stack.ts';

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

const COMMON: OptionSpec = {
  runs: { type: 'string', default: '3' },
  tables: { type: 'string', default: '4' },
  // A Debezium property on top of the rendered ones: --set debezium.sink.redis.batch.size=2000
  set: { type: 'string', multiple: true, default: [] },
  // A processors: setting of config.yaml: --processor read_batch_size=5000
  processor: { type: 'string', multiple: true, default: [] },
  // Print the section without appending it to bench/RESULTS.md (validation runs).
  'no-record': { type: 'boolean', default: false },
  // Keep the working folder (logs) after the run.
  keep: { type: 'boolean', default: false },
};

export interface CommonOptions {
  readonly runs: number;
  readonly tables: number;
  readonly overrides: Overrides;
  readonly record: boolean;
  readonly keep: boolean;
  /** The command as typed, for the report. */
  readonly command: string;
}

export function parseOptions(
  name: string,
  own: OptionSpec,
): { common: CommonOptions; values: Record<string, unknown> } {
  const args = process.argv.slice(2);
  const { values } = parseArgs({ args, options: { ...COMMON, ...own }, strict: true });
  const common: CommonOptions = {
    runs: positive(values.runs, 'runs'),
    tables: positive(values.tables, 'tables'),
    overrides: { debezium: pairs(values.set), processor: pairs(values.processor) },
    record: values['no-record'] !== true,
    keep: values.keep === true,
    command: ['bench/e2e.sh', name, ...args].join(' '),
  };
  return { common, values };
}

/** `name=value` items of a repeated option → a record. */
export function pairs(list: unknown): Record<string, string> {
  return Object.fromEntries(
    (list as string[]).map((item) => {
      const at = item.indexOf('=');
      if (at < 1) throw new Error(`expected name=value, got '${item}'`);
      return [item.slice(0, at), item.slice(at + 1)];
    }),
  );
}

export function positive(value: unknown, name: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
}

export function numberList(value: unknown, name: string): number[] {
  return String(value)
    .split(',')
    .map((part) => positive(part, name));
}

export interface Workspace {
  readonly dir: string;
  readonly registry: ProcessRegistry;
  close(): Promise<void>;
}

export async function openWorkspace(name: string, keep: boolean): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), `sluice-bench-${name}-`));
  await chmod(dir, 0o755); // PostgreSQL runs as user `postgres` when this runs as root.
  const registry = new ProcessRegistry();
  // On Ctrl-C, exit: the registry's exit hook then kills every server this run started.
  process.once('exit', () => {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => process.exit(130));
  return {
    dir,
    registry,
    close: async () => {
      await registry.stopAll();
      if (!keep) rmSync(dir, { recursive: true, force: true });
      else console.error(`kept ${dir}`);
    },
  };
}
