// Entry point of the exporter:
//   node api/exporter-main.ts --rdi redis://host:port --port 9121 [--pipeline default]
// Serves Prometheus metrics with RDI's names, read from the RDI database at each scrape, and
// Debezium's own metrics from the collector's JMX exporter agent (URL given or reported).

import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { isSluiceError } from '../common/errors.ts';
import { connectRdi } from '../common/rdi-connect.ts';
import { rdiRedisOptions } from '../common/rdi-tls.ts';
import { jsonLogger, systemClock } from '../processor/ports.ts';
import { readSnapshot } from './exporter/exporter-snapshot.ts';
import { listenMetrics } from './exporter/metrics-server.ts';
import { registerRdiMetrics } from './exporter/rdi-metrics.ts';
import { cachedSnapshot } from './exporter/snapshot-cache.ts';

const logger = jsonLogger('exporter');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      rdi: { type: 'string', default: process.env.SLUICE_RDI_URL ?? 'redis://127.0.0.1:6379' },
      port: { type: 'string', default: '9121' },
      host: { type: 'string', default: '0.0.0.0' },
      pipeline: { type: 'string', default: 'default' },
      'operator-id': { type: 'string' },
      'debezium-metrics': { type: 'string' },
    },
  });
  const rdi = new Redis(values.rdi, {
    maxRetriesPerRequest: 1,
    lazyConnect: true,
    ...rdiRedisOptions(values.rdi, process.env),
  });
  rdi.on('error', () => undefined);
  await connectRdi(rdi, values.rdi).catch((error: unknown) => {
    // A TLS set-up that cannot work ends the exporter; an unreachable database does not: it
    // still serves, and sluice_exporter_rdi_up says the database is unreachable.
    if (isSluiceError(error) && error.code === 'RDI_DB_TLS') throw error;
    logger.warn('RDI database not reachable yet.', { error: String(error) });
  });
  const registry = new Registry();
  const read = cachedSnapshot({
    read: () =>
      readSnapshot({
        rdi,
        pipeline: values.pipeline,
        clock: systemClock,
        debeziumMetricsUrl: values['debezium-metrics'],
      }),
    clock: systemClock,
    logger,
    maxAgeMs: 1_000,
  });
  registerRdiMetrics({
    registry,
    read,
    pipeline: values.pipeline,
    operatorId: values['operator-id'],
  });
  const server = await listenMetrics({
    registry,
    host: values.host,
    port: Number(values.port),
    logger,
  });
  logger.info('Exporter listening.', { port: server.port, pipeline: values.pipeline });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const failures: string[] = [];
  await server.close().catch((error: unknown) => failures.push(`server: ${String(error)}`));
  await rdi.quit().catch((error: unknown) => failures.push(`RDI connection: ${String(error)}`));
  for (const failure of failures) logger.warn('Shutdown step failed.', { failure });
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    logger.error(isSluiceError(error) ? `${error.code}: ${error.message}` : String(error));
    process.exit(isSluiceError(error) ? 2 : 1);
  },
);
