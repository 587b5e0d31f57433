// Entry point of the processor process:
//   node processor/main.ts --config <pipeline>/config.yaml --rdi redis://host:port
// Connects to the RDI database and the target named `target`, then runs the consume loop
// until SIGINT/SIGTERM, draining the batch in flight before exiting.

import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { isSluiceError, SluiceError } from '../common/errors.ts';
import { loadPipelineConfig } from '../pipeline/load-config.ts';
import { loadJobFolder } from '../pipeline/load-jobs.ts';
import { Processor } from './consumer.ts';
import { compileJob } from './jobs/compile-job.ts';
import { checkJsonModule, connectionsNeedingJson } from './jobs/json-module-check.ts';
import { createPipelineJob } from './jobs/pipeline-job.ts';
import { jsonLogger, systemClock } from './ports.ts';
import { checkRdiDatabase } from './rdi-database-check.ts';
import { settingsFromConfig } from './settings-from-config.ts';

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

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      rdi: { type: 'string', default: process.env.SLUICE_RDI_URL ?? 'redis://127.0.0.1:6379' },
      consumer: { type: 'string', default: 'processor-1' },
      epoch: { type: 'string', default: '0' },
    },
  });
  if (values.config === undefined) {
    throw new SluiceError('CONFIG_INVALID', 'Missing --config <path to config.yaml>.');
  }
  const config = await loadPipelineConfig(values.config, process.env);
  // Jobs live beside config.yaml in jobs/*.yaml, as in an RDI pipeline folder.
  const defaults = {
    dataType: config.processors.target_data_type,
    jsonUpdate: config.processors.json_update_strategy,
  };
  const jobs = (await loadJobFolder(dirname(values.config), process.env)).map((definition) =>
    compileJob(definition, { defaults }),
  );
  for (const job of jobs) {
    for (const output of job.outputs) {
      if (output.connection !== 'target') {
        throw new SluiceError(
          'CONFIG_UNSUPPORTED',
          `Job '${job.name}' writes to connection '${output.connection}'; this processor writes only to 'target' so far.`,
        );
      }
    }
  }
  const targetConfig = config.targets.target;
  if (targetConfig === undefined) {
    throw new SluiceError('CONFIG_INVALID', "config.yaml has no target named 'target'.", {
      path: 'targets.target',
    });
  }
  const redisOptions = { maxRetriesPerRequest: 1, lazyConnect: true };
  const rdi = new Redis(values.rdi, redisOptions);
  const reader = new Redis(values.rdi, redisOptions);
  const { host, port, user, password } = targetConfig.connection;
  const target = new Redis({
    host,
    port,
    ...(user === undefined ? {} : { username: user }),
    ...(password === undefined ? {} : { password }),
    ...redisOptions,
  });
  // Connection errors are retried by the loop; log each new one (not every reconnect attempt)
  // so that refusals such as WRONGPASS after a fence are visible.
  const connections: [string, Redis][] = [
    ['rdi', rdi],
    ['rdi-reader', reader],
    ['target', target],
  ];
  for (const [name, client] of connections) {
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
  await Promise.all([rdi.connect(), reader.connect(), target.connect()]);
  await checkRdiDatabase(rdi);
  if (connectionsNeedingJson(jobs).size > 0 || defaults.dataType === 'json') {
    await checkJsonModule(target);
  }
  const job = createPipelineJob(jobs, {
    now: () => systemClock.now(),
    uuid: randomUUID,
    defaultDataType: defaults.dataType,
    // Lookups read from the target, the only connection so far.
    lookup: (_connection, command) => target.call(command[0] ?? 'GET', ...command.slice(1)),
  });

  const processor = new Processor({
    rdi,
    reader,
    target,
    job,
    clock: systemClock,
    logger,
    settings: settingsFromConfig(config.processors, {
      consumerName: values.consumer,
      epoch: Number(values.epoch),
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
    target: `${host}:${port}`,
    jobs: jobs.map((j) => j.name),
  });
  await processor.start();
  const failures: string[] = [];
  for (const client of [reader, rdi, target]) {
    await client.quit().catch((error: unknown) => failures.push(String(error)));
  }
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
