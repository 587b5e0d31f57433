// Target connections of jobs: which ones a job writes to and reads from, and the load-time
// refusal of a connection config.yaml does not define, with file:line:column and the key.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../common/errors.ts';
import { jobConnections } from './job-connections.ts';
import { loadJobFolder, parseJobFile } from './load-jobs.ts';

const JOB = `source:
  table: orders
transform:
  - uses: redis.lookup
    with:
      connection: cache2
      cmd: GET
      args: ["'x'"]
      field: y
output:
  - uses: redis.write
    with:
      data_type: hash
  - uses: redis.write
    with:
      connection: analytics
      data_type: set
      args:
        member: id
`;

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('jobConnections', () => {
  it('lists the targets a job writes to and reads from', () => {
    const { job } = parseJobFile(JOB, 'jobs/orders.yaml', {});
    const used = jobConnections(job);
    expect([...used.writes]).toEqual(['target', 'analytics']);
    expect([...used.reads]).toEqual(['cache2']);
  });

  it('counts `target` for a job without outputs', () => {
    const { job } = parseJobFile('source:\n  table: t\n', 'jobs/t.yaml', {});
    expect([...jobConnections(job).writes]).toEqual(['target']);
  });
});

describe('connections missing from config.yaml targets', () => {
  it('are refused with the file, line, column and key of each', () => {
    const error = thrown(() =>
      parseJobFile(JOB, 'jobs/orders.yaml', {}, { targets: ['target', 'cache2'] }),
    );
    expect(isSluiceError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toBe(
      "jobs/orders.yaml:16:19: the output uses the connection 'analytics', which config.yaml does not define under targets (at 'output.1.with.connection') Hint: name one of config.yaml's targets: target, cache2",
    );
  });

  it('reports a lookup and an output together, in file order', () => {
    const error = thrown(() => parseJobFile(JOB, 'jobs/orders.yaml', {}, { targets: ['target'] }));
    const all = ((error as Error).cause as AggregateError).errors as Error[];
    expect(all.map((e) => e.message.split(':').slice(0, 3).join(':'))).toEqual([
      'jobs/orders.yaml:6:19',
      'jobs/orders.yaml:16:19',
    ]);
    expect(all[0]?.message).toContain("the lookup uses the connection 'cache2'");
  });

  it('accepts a job whose connections are all defined, and skips the check without targets', () => {
    expect(
      parseJobFile(JOB, 'jobs/orders.yaml', {}, { targets: ['target', 'cache2', 'analytics'] })
        .name,
    ).toBe('orders');
    expect(parseJobFile(JOB, 'jobs/orders.yaml', {}).name).toBe('orders');
  });

  it('are refused when a pipeline folder is loaded', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-job-connections-'));
    try {
      await mkdir(join(dir, 'jobs'));
      await writeFile(join(dir, 'config.yaml'), 'targets: {}\n');
      await writeFile(join(dir, 'jobs', 'orders.yaml'), JOB);
      await expect(loadJobFolder(dir, {}, { targets: ['target', 'cache2'] })).rejects.toThrow(
        `${join(dir, 'jobs', 'orders.yaml')}:16:19: the output uses the connection 'analytics'`,
      );
      await expect(
        loadJobFolder(dir, {}, { targets: ['target', 'cache2', 'analytics'] }),
      ).resolves.toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
