// Launches Debezium Server (the collector) for the pipeline's source with properties rendered
// for the current term's RDI database user, on local ports for health and metrics, and first
// fences any collector of an earlier term that still holds the PostgreSQL replication slot.

import { join } from 'node:path';
import { propertyValue } from '../../debezium-config/launch-properties.ts';
import { startDebeziumServer } from '../../debezium-config/launch.ts';
import { writeRdiTlsStores } from '../../debezium-config/rdi-tls-stores.ts';
import {
  renderDebeziumProperties,
  type RdiDatabase,
} from '../../debezium-config/render-properties.ts';
import type { Logger } from '../../processor/ports.ts';
import { collectorSignalFile } from './added-table-snapshots.ts';
import type { PreparedPipeline } from './pipeline-workspace.ts';
import { terminateSlotHolder } from './replication-slot.ts';
import type { ChildHandle } from './supervised-child.ts';

export interface CollectorLaunch {
  readonly pipeline: PreparedPipeline;
  /** The RDI database, with the credentials of the current term. */
  readonly rdiDb: RdiDatabase;
  readonly distDir: string;
  readonly javaPath: string;
  readonly heap: string;
  readonly metricsPort: number;
  readonly stopGraceMs: number;
  readonly healthyTimeoutMs: number;
  readonly logger: Logger;
}

/**
 * Only the leader starts a collector, and only while its own is down: a slot still active
 * belongs to a deposed leader's collector (paused or partitioned). Ending its connection
 * fences it at the source; without this the new collector would fail until that one died.
 * Both runtimes call it before they start a collector.
 */
export async function fenceEarlierCollector(
  pipeline: PreparedPipeline,
  logger: Logger,
): Promise<void> {
  if (pipeline.source.connection.type !== 'postgresql') return;
  const pid = await terminateSlotHolder(pipeline.source.connection, pipeline.slotName);
  if (pid !== undefined) {
    logger.warn('Ended the replication connection of an earlier collector.', {
      slot: pipeline.slotName,
      backendPid: pid,
    });
  }
}

export async function launchCollector(opts: CollectorLaunch): Promise<ChildHandle> {
  const { pipeline } = opts;
  await fenceEarlierCollector(pipeline, opts.logger);
  // TLS to the RDI database: Java reads the certificates from key stores in the private folder.
  const tlsStores =
    opts.rdiDb.tls === undefined
      ? undefined
      : await writeRdiTlsStores(join(pipeline.dir, 'rdi-tls'), opts.rdiDb.tls, opts.javaPath);
  const rdiDb = tlsStores === undefined ? opts.rdiDb : { ...opts.rdiDb, tlsStores };
  const debezium = renderDebeziumProperties(pipeline.config, pipeline.source.name, rdiDb, {
    httpPort: pipeline.httpPort,
    signalFile: collectorSignalFile(pipeline.dir),
  });
  const hostLines =
    propertyValue(debezium.properties, 'quarkus.http.host') === undefined
      ? ['quarkus.http.host=127.0.0.1']
      : [];
  const workDir = join(pipeline.dir, 'debezium');
  const server = await startDebeziumServer({
    distDir: opts.distDir,
    javaPath: opts.javaPath,
    workDir,
    properties: [debezium.properties.trimEnd(), ...hostLines, ''].join('\n'),
    env: debezium.env,
    heap: opts.heap,
    logFile: join(workDir, 'debezium.log'),
    httpPort: pipeline.httpPort,
    metricsPort: opts.metricsPort,
    stopGraceMs: opts.stopGraceMs,
  });
  return {
    pid: server.pid,
    exited: server.exited,
    ready: server.waitUntilHealthy(opts.healthyTimeoutMs),
    stop: () => server.stop(),
    kill: () => server.kill(),
  };
}
