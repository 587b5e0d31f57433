// Entry point of the operator:
//   node api/operator-main.ts --rdi redis://host:port --id <name> [--pipeline default]
// Competes for the leader lease in the RDI database; while it leads, runs the pipeline's
// collector (Debezium Server) and processor. SIGINT/SIGTERM stop the children, then release.

import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { isSluiceError } from '../common/errors.ts';
import { findJava } from '../debezium-config/launch-find-java.ts';
import { installDebezium } from '../debezium-config/launch-install.ts';
import { jsonLogger, systemClock } from '../processor/ports.ts';
import { Operator } from './operator/operator.ts';
import { DEFAULT_BACKOFF } from './operator/restart-backoff.ts';

const logger = jsonLogger('operator');

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      rdi: { type: 'string', default: process.env.SLUICE_RDI_URL ?? 'redis://127.0.0.1:6379' },
      id: { type: 'string', default: `${hostname()}-${process.pid}` },
      pipeline: { type: 'string', default: 'default' },
      'lease-ms': { type: 'string', default: '15000' },
      'tick-ms': { type: 'string', default: '500' },
      'work-dir': { type: 'string' },
      'debezium-dir': { type: 'string' },
      'debezium-heap': { type: 'string', default: '512m' },
      'debezium-metrics-port': { type: 'string' },
      'min-pause-ms': { type: 'string', default: '10000' },
    },
  });
  const rdiUrl = new URL(values.rdi);
  const rdi = new Redis(values.rdi, { maxRetriesPerRequest: 1, lazyConnect: true });
  rdi.on('error', () => undefined);
  await rdi.connect();
  const ownWorkDir = values['work-dir'] === undefined;
  const workDir = values['work-dir'] ?? (await mkdtemp(join(tmpdir(), 'sluice-operator-')));
  const operator = new Operator({
    rdi,
    rdiUrl: values.rdi,
    rdiDb: {
      host: rdiUrl.hostname,
      port: Number(rdiUrl.port || 6379),
      ...(rdiUrl.username === '' ? {} : { user: decodeURIComponent(rdiUrl.username) }),
      ...(rdiUrl.password === '' ? {} : { password: decodeURIComponent(rdiUrl.password) }),
    },
    id: values.id,
    pipeline: values.pipeline,
    leaseMs: positive('lease-ms', values['lease-ms']),
    tickMs: positive('tick-ms', values['tick-ms']),
    workDir,
    debeziumDir:
      values['debezium-dir'] ?? process.env.SLUICE_DEBEZIUM_DIR ?? (await installDebezium()),
    javaPath: await findJava(),
    debeziumHeap: values['debezium-heap'],
    metricsPort:
      values['debezium-metrics-port'] === undefined
        ? undefined
        : positive('debezium-metrics-port', values['debezium-metrics-port']),
    policy: {
      backoff: DEFAULT_BACKOFF,
      minPauseMs: positive('min-pause-ms', values['min-pause-ms']),
    },
    stableRunMs: 60_000,
    stopGraceMs: 15_000,
    backpressureStaleMs: 30_000,
    clock: systemClock,
    logger,
  });
  const stop = (): void => {
    logger.info('Stopping: children first, then the lease.');
    void operator.stop();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  logger.info('Operator started.', { id: values.id, pipeline: values.pipeline, workDir });
  await operator.start();
  const failures = await operator.stop();
  await rdi.quit().catch((error: unknown) => failures.push(`RDI connection: ${String(error)}`));
  if (ownWorkDir) await rm(workDir, { recursive: true, force: true });
  for (const failure of failures) logger.warn('Shutdown step failed.', { failure });
  logger.info('Operator stopped.');
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = isSluiceError(error) ? `${error.code}: ${error.message}` : String(error);
    logger.error(message);
    process.exit(isSluiceError(error) ? 2 : 1);
  },
);
