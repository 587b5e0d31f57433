// Entry point of the processor process:
//   node processor/main.ts --config <pipeline>/config.yaml --rdi redis://host:port
//     [--consumer <name>] [--epoch <n>] [--shard <i>/<n>]
// `--shard` makes it instance i of n, consuming only the change streams it owns (stream-shard.ts).
// Connects to the RDI database and to every target the pipeline uses (`target` and the
// connections its jobs name; standalone or Redis Cluster), then runs the consume loop until
// SIGINT/SIGTERM, draining the batch in flight before exiting.

import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { Cluster } from 'ioredis';
import { Redis } from 'ioredis';
import { isSluiceError, SluiceError } from '../common/errors.ts';
import { connectRdi } from '../common/rdi-connect.ts';
import { rdiRedisOptions } from '../common/rdi-tls.ts';
import { loadPipelineConfig } from '../pipeline/load-config.ts';
import { loadJobFolder } from '../pipeline/load-jobs.ts';
import { Processor } from './consumer.ts';
import { compileJob } from './jobs/compile-job.ts';
import { connectionsNeedingJson } from './jobs/json-module-check.ts';
import { createPipelineJob } from './core/jobs/pipeline-job.ts';
import { jobNamer } from './core/job-names.ts';
import { connectPipelineTargets } from './pipeline-targets.ts';
import { jsonLogger, leveledLogger, systemClock } from './ports.ts';
import { configNotices } from '../pipeline/config-notices.ts';
import { checkRdiDatabase } from './rdi-database-check.ts';
import { settingsFromConfig } from './core/settings-from-config.ts';
import { formatShard, parseShard } from './core/stream-shard.ts';

const logger = jsonLogger('processor');

/** The URL for logs: a password in it (e.g. the operator's per-term user) never is logged. */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * Connection errors are retried by the loop; logs each new one (not every reconnect attempt)
 * so that refusals such as WRONGPASS after a fence are visible.
 */
function watchErrors(name: string, client: Redis | Cluster): void {
  let last = '';
  client.on('error', (error: Error) => {
    if (error.message === last) return;
    last = error.message;
    logger.warn('Redis connection error.', { connection: name, error: error.message });
  });
  client.on('ready', () => {
    last = '';
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      rdi: { type: 'string', default: process.env.SLUICE_RDI_URL ?? 'redis://127.0.0.1:6379' },
      consumer: { type: 'string', default: 'processor-1' },
      epoch: { type: 'string', default: '0' },
      shard: { type: 'string', default: '1/1' },
    },
  });
  if (values.config === undefined) {
    throw new SluiceError('CONFIG_INVALID', 'Missing --config <path to config.yaml>.');
  }
  const shard = parseShard(values.shard);
  const config = await loadPipelineConfig(values.config, process.env);
  const log = leveledLogger(logger, config.processors.logging.level);
  // RDI keys the pipeline sets that Sluice accepts without effect (docs/config.md).
  for (const notice of configNotices(config)) log.warn(notice.message);
  // Jobs live beside config.yaml in jobs/*.yaml, as in an RDI pipeline folder.
  const defaults = {
    dataType: config.processors.target_data_type,
    jsonUpdate: config.processors.json_update_strategy,
  };
  // A job naming a connection that config.yaml does not define is refused here (file:line).
  const definitions = await loadJobFolder(dirname(values.config), process.env, {
    targets: Object.keys(config.targets),
  });
  const jobs = definitions.map((definition) => compileJob(definition, { defaults }));
  // TLS: a rediss:// URL with SLUICE_RDI_CACERT/CERT/KEY (common/rdi-tls.ts).
  const redisOptions = {
    maxRetriesPerRequest: 1,
    lazyConnect: true,
    ...rdiRedisOptions(values.rdi, process.env),
  };
  const rdi = new Redis(values.rdi, redisOptions);
  const reader = new Redis(values.rdi, redisOptions);
  watchErrors('rdi', rdi);
  watchErrors('rdi-reader', reader);
  await Promise.all([connectRdi(rdi, values.rdi), connectRdi(reader, values.rdi)]);
  await checkRdiDatabase(rdi);
  const targets = await connectPipelineTargets(config, definitions, watchErrors, (message) => {
    log.warn(`Replica wait (processors.wait_enabled): ${message}`);
  });
  const needJson = connectionsNeedingJson(jobs);
  if (defaults.dataType === 'json') needJson.add('target');
  await targets.checkJson(needJson);
  const pipelineJob = createPipelineJob(jobs, {
    now: () => systemClock.now(),
    uuid: randomUUID,
    defaultDataType: defaults.dataType,
    typeRendering: config.processors.type_rendering,
    onTruncate: config.processors.on_truncate,
    // Each lookup reads from the target its job names.
    lookup: targets.lookup,
  });
  // Rejected records name the job that rejected them in the DLQ.
  const job = Object.assign(pipelineJob, { jobNameOf: jobNamer(jobs) });

  const processor = new Processor({
    rdi,
    reader,
    targets: targets.writers,
    job,
    clock: systemClock,
    logger: log,
    settings: settingsFromConfig(config.processors, {
      consumerName: values.consumer,
      epoch: Number(values.epoch),
      shard,
    }),
  });
  const stop = (): void => {
    logger.info('Stopping: finishing the batch in flight.');
    void processor.stop();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  logger.info('Processor started.', {
    rdi: withoutPassword(values.rdi),
    targets: targets.summary,
    jobs: jobs.map((j) => j.name),
    consumer: values.consumer,
    ...(shard.count === 1 ? {} : { shard: formatShard(shard) }),
  });
  await processor.start();
  const failures: string[] = [];
  for (const client of [reader, rdi]) {
    await client.quit().catch((error: unknown) => failures.push(String(error)));
  }
  failures.push(...(await targets.close()));
  if (failures.length > 0) logger.warn('Some connections did not close cleanly.', { failures });
  return processor.state === 'failed' ? 3 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = isSluiceError(error) ? `${error.code}: ${error.message}` : String(error);
    logger.error(message);
    process.exit(isSluiceError(error) ? 2 : 1);
  },
);
