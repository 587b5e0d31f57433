// Every key of RDI 1.19's config.yaml reference: Sluice accepts it (none is an unknown key) and
// either honours it (what it changes is checked here or named with the test that checks it) or
// warns at deploy that it has no effect, with the reason (pipeline/config-notices.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDebeziumProperties } from '../../debezium-config/render-properties.ts';
import { configNotices, configNoticesOfText } from '../../pipeline/config-notices.ts';
import { parsePipelineConfig } from '../../pipeline/load-config.ts';
import { settingsFromConfig } from '../../processor/core/settings-from-config.ts';

const file = join(import.meta.dirname, 'config.yaml');
const text = readFileSync(file, 'utf8');
const env = {
  SOURCE_DB_USERNAME: 'u',
  SOURCE_DB_PASSWORD: 'p',
  TARGET_DB_USERNAME: 'tu',
  TARGET_DB_PASSWORD: 'tp',
};

/** Keys accepted without effect in Sluice (each must produce a deploy warning). */
const WITHOUT_EFFECT = [
  'processors.type',
  'processors.duration',
  'processors.write_batch_size',
  'processors.enable_async_processing',
  'processors.batch_queue_size',
  'processors.ack_queue_size',
  'processors.dedup',
  'processors.dedup_max_size',
  'processors.dedup_strategy',
  'processors.use_native_json_merge',
  'processors.initial_sync_processes',
  'processors.idle_sleep_time_ms',
  'processors.retry_max_attempts',
  'processors.on_failed_retry_interval',
  'processors.advanced',
  'sources.pg.advanced.resources',
  'sources.spanner-source.type',
  'sources.spanner-source.advanced.flink',
  'sources.snowflake.type',
  'sources.snowflake.advanced.riotx',
];

describe("RDI's config.yaml keys", () => {
  const config = parsePipelineConfig(text, 'config.yaml', env);

  it('are all accepted', () => {
    expect(Object.keys(config.sources)).toEqual([
      'pg',
      'mongodb-source',
      'spanner-source',
      'snowflake',
    ]);
    expect(config.metadata).toMatchObject({ revision: 3, tags: ['prod', 'orders-v1'] });
  });

  it('without effect in Sluice are each named in a deploy warning with its line', () => {
    const notices = configNotices(JSON.parse(JSON.stringify(config)) as unknown);
    expect(notices.map((n) => n.path.join('.')).sort()).toEqual([...WITHOUT_EFFECT].sort());
    const located = configNoticesOfText(text, 'config.yaml');
    const dedup = located.find((n) => n.path.join('.') === 'processors.dedup');
    expect(dedup?.location).toMatchObject({
      file: 'config.yaml',
      line: text.split('\n').findIndex((l) => l.startsWith('  dedup:')) + 1,
    });
    expect(dedup?.message).toMatch(/checkpoint/);
  });

  it('that the processor reads reach its settings', () => {
    const settings = settingsFromConfig(config.processors, { consumerName: 'c', epoch: 1 });
    expect(settings).toMatchObject({
      readBatchSize: 1000,
      readBlockMs: 50,
      streamsCheckIntervalMs: 2000,
      busyStreamsCheckIntervalMs: 3000,
      errorHandling: 'ignore',
      dlqMaxMessages: 500,
      retryInitialDelayMs: 500,
      retryMaxDelayMs: 5000,
    });
    // wait_enabled, wait_timeout, retry_on_replica_failure: processor/replica-wait.integration.test.ts
    // target_data_type, json_update_strategy: processor/jobs tests; logging.level: processor/ports.ts
    expect(config.processors).toMatchObject({
      wait_enabled: true,
      wait_timeout: 2000,
      retry_on_replica_failure: false,
      target_data_type: 'json',
      json_update_strategy: 'merge',
      logging: { level: 'warn' },
    });
  });

  it('of a source reach the Debezium properties', () => {
    const { properties, env: processEnv } = renderDebeziumProperties(config, 'pg', {
      host: 'rdi',
      port: 6379,
    });
    for (const line of [
      'debezium.sink.redis.batch.size=1000',
      'debezium.sink.redis.memory.limit.mb=512',
      'debezium.source.snapshot.max.threads=1',
      'debezium.source.poll.interval.ms=500',
      'quarkus.log.console.json=false',
      'quarkus.log.level=WARN',
      'debezium.source.schema.include.list=public',
      'debezium.source.message.key.columns=public\\\\.orders\\:id',
      'debezium.source.snapshot.select.statement.overrides=public.orders',
    ]) {
      expect(properties.split('\n')).toContain(line);
    }
    expect(processEnv['DEBEZIUM_OPTS']).toBe('-Xmx1g');
    const mongo = renderDebeziumProperties(config, 'mongodb-source', { host: 'rdi', port: 6379 });
    expect(mongo.properties).toContain('debezium.source.field.exclude.list=db1.customers.ssn');
    expect(mongo.properties).toContain('debezium.source.database.include.list=db1');
  });
});
