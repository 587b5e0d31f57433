// A dead-letter entry names the job that rejected the record, for an expression failure in the
// job and for a write of the job that the target refuses. Through the processor's real job
// wiring (createPipelineJob + jobNamer, as processor/main.ts builds it).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis } from '../harness/redis.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import { parseJobFile } from '../pipeline/load-jobs.ts';
import { CHECKPOINT_KEY } from '../pipeline/redis-keys.ts';
import { Processor } from './consumer.ts';
import { jobNamer } from './core/job-names.ts';
import { compileJob } from './jobs/compile-job.ts';
import { createPipelineJob } from './core/jobs/pipeline-job.ts';
import { systemClock } from './ports.ts';
import { standaloneWriter } from './target-writer.ts';
import { fastSettings, quietLogger } from './testing/fast-settings.ts';

const ctx = useTestContext();
let rdi: Redis;
let reader: Redis;
let target: Redis;

const quiet = quietLogger;
const settings = fastSettings;

// Fails on a record whose `age` is a string ($number of a non-number throws).
const JOB = `source:
  table: people
transform:
  - uses: add_field
    with:
      field: next_age
      language: jsonata
      expression: $number(age) + 1
`;

// Adds each order to a set; the target holds a string under that key and refuses the write.
const TAG_JOB = `source:
  table: orders
output:
  - uses: redis.write
    with:
      data_type: set
      key:
        expression: "'tags'"
        language: jsonata
      args:
        member: $string(id)
`;

beforeAll(async () => {
  const rdiServer = await startRedis({ dir: `${ctx.dir}/rdi`, registry: ctx.registry });
  const targetServer = await startRedis({ dir: `${ctx.dir}/target`, registry: ctx.registry });
  rdi = new Redis(rdiServer.url);
  reader = new Redis(rdiServer.url);
  target = new Redis(targetServer.url);
});
afterAll(async () => {
  await Promise.all([rdi.quit(), reader.quit(), target.quit()]);
});

function entry(table: string, id: number, after: Record<string, unknown>): string[] {
  const source = { db: 'shop', schema: 'public', table, snapshot: 'false' };
  return [
    'key',
    JSON.stringify({ id }),
    'value',
    JSON.stringify({ before: null, after, op: 'c', source }),
  ];
}

function dlqJobs(entries: [string, string[]][]): string[] {
  return entries.map(([, fields]) => fields[fields.indexOf('job') + 1] ?? '');
}

describe('DLQ entries', () => {
  it('carry the name of the job that rejected the record', async () => {
    const compiled = [
      compileJob(parseJobFile(JOB, 'jobs/people-ages.yaml', {})),
      compileJob(parseJobFile(TAG_JOB, 'jobs/order-tags.yaml', {})),
    ];
    const job = Object.assign(createPipelineJob(compiled, { now: () => 0, uuid: () => 'u' }), {
      jobNameOf: jobNamer(compiled),
    });
    const people = 'data:shop.public.people';
    const orders = 'data:shop.public.orders';
    await rdi.xadd(people, '*', ...entry('people', 1, { id: 1, age: 'ten' }));
    await rdi.xadd(people, '*', ...entry('people', 2, { id: 2, age: 20 }));
    const lastPeople = await rdi.xadd(people, '*', ...entry('people', 3, { id: 3, age: 30 }));
    await target.set('tags', 'not a set');
    const lastOrders = await rdi.xadd(orders, '*', ...entry('orders', 9, { id: 9 }));

    const p = new Processor({
      rdi,
      reader,
      targets: [standaloneWriter('target', target)],
      job,
      clock: systemClock,
      logger: quiet,
      settings: { ...settings, jobName: 'unnamed' },
    });
    void p.start();
    await waitFor('both streams checkpointed', async () => {
      const [a, b] = await target.hmget(CHECKPOINT_KEY, people, orders);
      return a === lastPeople && b === lastOrders;
    });
    await p.stop();
    expect(await target.hget('people:id:2', 'next_age')).toBe('21');
    expect(dlqJobs(await rdi.xrange(`dlq:${people}`, '-', '+'))).toEqual(['people-ages']);
    expect(dlqJobs(await rdi.xrange(`dlq:${orders}`, '-', '+'))).toEqual(['order-tags']);
  });
});
