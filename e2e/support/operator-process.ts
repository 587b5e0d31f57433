// Runs `node api/operator-main.ts` as a real process for operator e2e tests: in its own
// process group (a test can freeze or kill its whole tree), registered for cleanup, its JSON
// log in `<dir>/<id>.log`. Also reads what the operator reports in the pipeline's status.
import { spawn } from 'node:child_process';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { pipelineStatusKey } from '../../pipeline/redis-keys.ts';
import type { TestContext } from '../../harness/test-context.ts';
import { waitFor } from '../../harness/wait-for.ts';

const OPERATOR_MAIN = join(import.meta.dirname, '..', '..', 'api', 'operator-main.ts');

export interface OperatorProcess {
  readonly id: string;
  readonly pid: number;
  readonly workDir: string;
  readonly logFile: string;
  readonly exited: Promise<void>;
  running(): boolean;
}

export interface OperatorSettings {
  readonly rdiUrl: string;
  readonly pipeline: string;
  readonly leaseMs: number;
  readonly tickMs: number;
  readonly minPauseMs: number;
  /** More command-line options, e.g. `--debezium-metrics-port`. */
  readonly extraArgs?: readonly string[];
  /** More environment variables, e.g. the RDI database's TLS settings. */
  readonly env?: Readonly<Record<string, string>>;
}

export async function startOperator(
  ctx: TestContext,
  id: string,
  settings: OperatorSettings,
): Promise<OperatorProcess> {
  const workDir = join(ctx.dir, id);
  const logFile = join(ctx.dir, `${id}.log`);
  const log = await open(logFile, 'a');
  const child = spawn(
    process.execPath,
    [
      OPERATOR_MAIN,
      ...['--rdi', settings.rdiUrl, '--id', id, '--pipeline', settings.pipeline],
      ...['--lease-ms', String(settings.leaseMs), '--tick-ms', String(settings.tickMs)],
      ...['--work-dir', workDir, '--min-pause-ms', String(settings.minPauseMs)],
      ...(settings.extraArgs ?? []),
    ],
    { detached: true, stdio: ['ignore', log.fd, log.fd], env: { ...process.env, ...settings.env } },
  );
  await log.close();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`operator ${id} did not start`);
  let alive = true;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      alive = false;
      resolve();
    });
  });
  const group = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone.
    }
  };
  ctx.registry.add({
    name: `operator:${id}`,
    get pid() {
      return alive ? pid : undefined;
    },
    stop: async () => {
      group('SIGCONT');
      if (alive) child.kill('SIGTERM');
      await exited;
      // Children orphaned by a kill -9 of the operator alone must not outlive the test.
      group('SIGKILL');
    },
    kill: async () => {
      group('SIGKILL');
      await exited;
    },
  });
  await waitFor(`operator ${id} to start`, async () => {
    if (!alive) throw new Error(`operator ${id} exited`);
    return (await readFile(logFile, 'utf8')).includes('Operator started.');
  });
  return { id, pid, workDir, logFile, exited, running: () => alive };
}

/** One line of the operator's JSON log. */
export interface LogEntry {
  readonly level: string;
  readonly message: string;
  readonly [field: string]: unknown;
}

export async function operatorLog(operator: OperatorProcess): Promise<LogEntry[]> {
  const text = await readFile(operator.logFile, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogEntry);
}

export interface ComponentStatus {
  readonly name: string;
  readonly type: string;
  readonly state: string;
  readonly restarts: number;
  readonly message?: string;
  readonly pid?: number;
}

export interface OperatorStatus {
  readonly phase: string | undefined;
  readonly operator: string | undefined;
  readonly components: ComponentStatus[];
  readonly errors: { code: string; message: string }[];
  readonly fields: Record<string, string>;
}

export async function readStatus(rdi: Redis, pipeline: string): Promise<OperatorStatus> {
  const fields = await rdi.hgetall(pipelineStatusKey(pipeline));
  return {
    phase: fields.phase,
    operator: fields.operator,
    components: JSON.parse(fields.components ?? '[]') as ComponentStatus[],
    errors: JSON.parse(fields.errors ?? '[]') as { code: string; message: string }[],
    fields,
  };
}

export function component(status: OperatorStatus, type: string): ComponentStatus | undefined {
  return status.components.find((c) => c.type === type);
}

/** Waits until `id` leads and reports CDC with both children running. */
export async function waitForDataPlane(
  rdi: Redis,
  pipeline: string,
  id: string,
  timeoutMs = 120_000,
): Promise<OperatorStatus> {
  return waitFor(
    `operator ${id} to run the pipeline in CDC`,
    async () => {
      const s = await readStatus(rdi, pipeline);
      const running = s.components.filter((c) => c.state === 'running').length;
      if (s.operator === id && s.phase === 'cdc' && running === 2) return s;
      throw new Error(`status: ${JSON.stringify({ ...s, fields: undefined })}`);
    },
    { timeoutMs, intervalMs: 250 },
  );
}
