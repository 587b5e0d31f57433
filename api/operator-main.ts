// Entry point of the operator:
//   node api/operator-main.ts --rdi redis://host:port --id <name> [--pipeline default]
//     [--runtime local|kubernetes] [--kubernetes-config runtime.json] [--health-port N]
// Competes for the leader lease in the RDI database; while it leads, runs the pipeline's
// collector (Debezium Server) and processor: as child processes (local, the default; VMs and
// compose) or as Kubernetes workloads (the Helm chart). SIGINT/SIGTERM stop the children, then
// release the lease.

import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { Redis } from 'ioredis';
import { isSluiceError, SluiceError } from '../common/errors.ts';
import { connectRdi } from '../common/rdi-connect.ts';
import { rdiTlsFromEnv, rdiTlsOptions } from '../common/rdi-tls.ts';
import { findJava } from '../debezium-config/launch-find-java.ts';
import { installDebezium } from '../debezium-config/launch-install.ts';
import { jsonLogger, systemClock } from '../processor/ports.ts';
import type { ComponentRuntime } from './operator/component-runtime.ts';
import { listenHealth } from './operator/health-server.ts';
import { KubernetesRuntime } from './operator/kubernetes-runtime.ts';
import { readKubernetesSettings } from './operator/kubernetes-settings.ts';
import { LocalRuntime } from './operator/local-runtime.ts';
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
      runtime: { type: 'string', default: process.env.SLUICE_OPERATOR_RUNTIME ?? 'local' },
      'kubernetes-config': { type: 'string', default: '/etc/sluice/operator/runtime.json' },
      'health-port': { type: 'string' },
      'health-host': { type: 'string', default: '0.0.0.0' },
    },
  });
  const runtimeKind = values.runtime;
  if (runtimeKind !== 'local' && runtimeKind !== 'kubernetes') {
    throw new SluiceError('CONFIG_INVALID', '--runtime must be local or kubernetes', {
      path: '--runtime',
    });
  }
  const rdiUrl = new URL(values.rdi);
  // TLS (rediss:// and SLUICE_RDI_CACERT/CERT/KEY) also reaches the children: the processor
  // inherits this environment, the collector gets key stores made from it.
  const rdiTls = rdiTlsFromEnv(values.rdi, process.env);
  const rdi = new Redis(values.rdi, {
    maxRetriesPerRequest: 1,
    lazyConnect: true,
    ...(rdiTls === undefined ? {} : { tls: rdiTlsOptions(rdiTls) }),
  });
  rdi.on('error', () => undefined);
  await connectRdi(rdi, values.rdi);
  const ownWorkDir = values['work-dir'] === undefined;
  const workDir = values['work-dir'] ?? (await mkdtemp(join(tmpdir(), 'sluice-operator-')));
  const stopGraceMs = 15_000;
  const runtime: ComponentRuntime =
    runtimeKind === 'kubernetes'
      ? new KubernetesRuntime({
          settings: await readKubernetesSettings(values['kubernetes-config']),
          // In a pod: its ServiceAccount; elsewhere KUBECONFIG or ~/.kube/config.
          kubeConfig: defaultKubeConfig(),
          clock: systemClock,
          logger,
          pollMs: 2_000,
          stopGraceMs,
          collectorReadyTimeoutMs: 300_000,
        })
      : new LocalRuntime({
          debeziumDir:
            values['debezium-dir'] ?? process.env.SLUICE_DEBEZIUM_DIR ?? (await installDebezium()),
          javaPath: await findJava(),
          debeziumHeap: values['debezium-heap'],
          metricsPort:
            values['debezium-metrics-port'] === undefined
              ? undefined
              : positive('debezium-metrics-port', values['debezium-metrics-port']),
          stopGraceMs,
          collectorHealthyTimeoutMs: 120_000,
          logger,
        });
  const operator = new Operator({
    rdi,
    rdiUrl: values.rdi,
    rdiDb: {
      host: rdiUrl.hostname,
      port: Number(rdiUrl.port || 6379),
      ...(rdiUrl.username === '' ? {} : { user: decodeURIComponent(rdiUrl.username) }),
      ...(rdiUrl.password === '' ? {} : { password: decodeURIComponent(rdiUrl.password) }),
      ...(rdiTls === undefined ? {} : { tls: rdiTls }),
    },
    id: values.id,
    pipeline: values.pipeline,
    leaseMs: positive('lease-ms', values['lease-ms']),
    tickMs: positive('tick-ms', values['tick-ms']),
    workDir,
    runtime,
    policy: {
      backoff: DEFAULT_BACKOFF,
      minPauseMs: positive('min-pause-ms', values['min-pause-ms']),
    },
    stableRunMs: 60_000,
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
  const health =
    values['health-port'] === undefined
      ? undefined
      : await listenHealth(values['health-host'], positive('health-port', values['health-port']), {
          alive: () => operator.state !== 'stopped',
          ready: () => operator.state === 'running' && rdi.status === 'ready',
        });
  logger.info('Operator started.', {
    id: values.id,
    pipeline: values.pipeline,
    runtime: runtime.kind,
    workDir,
  });
  await operator.start();
  const failures = await operator.stop();
  health?.close();
  await rdi.quit().catch((error: unknown) => failures.push(`RDI connection: ${String(error)}`));
  if (ownWorkDir) await rm(workDir, { recursive: true, force: true });
  for (const failure of failures) logger.warn('Shutdown step failed.', { failure });
  logger.info('Operator stopped.');
  return failures.length === 0 ? 0 : 1;
}

function defaultKubeConfig(): KubeConfig {
  const config = new KubeConfig();
  config.loadFromDefault();
  return config;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = isSluiceError(error) ? `${error.code}: ${error.message}` : String(error);
    logger.error(message);
    process.exit(isSluiceError(error) ? 2 : 1);
  },
);
