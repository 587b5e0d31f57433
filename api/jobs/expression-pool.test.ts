// The expression worker pool: answers like the in-process dry run, and ends a worker that
// overruns its total deadline or its heap, with a coded error, then carries on.
import { afterEach, describe, expect, it } from 'vitest';
import { ExpressionPool } from './expression-pool.ts';
import type { DryRunRequest } from './dry-run-request.ts';

const pools: ExpressionPool[] = [];
function pool(limits: ConstructorParameters<typeof ExpressionPool>[0]): ExpressionPool {
  const created = new ExpressionPool(limits);
  pools.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

function request(expression: string, inputs = 1): DryRunRequest {
  return {
    job: `source:\n  table: t\ntransform:\n  - uses: add_field\n    with:\n      field: out\n      expression: '${expression}'\n`,
    input_data: Array.from({ length: inputs }, (_, i) => ({ id: i })),
    secretNames: [],
  };
}

// Starting a worker loads the job engine: seconds on a loaded machine, hence the timeout.
describe('ExpressionPool', { timeout: 60_000 }, () => {
  it('runs a dry run in a worker and answers with its records', async () => {
    const workers = pool({ workers: 1 });
    const result = await workers.run('dry-run', request('id * 2', 2));
    expect(result.records).toEqual([
      { id: 0, out: 0 },
      { id: 1, out: 2 },
    ]);
    expect(workers.size).toBe(1);
  });

  it('brings coded errors back unchanged', async () => {
    const workers = pool({ workers: 1 });
    await expect(workers.run('dry-run', request('id +'))).rejects.toMatchObject({
      code: 'JOB_INVALID',
      status: 400,
      problems: [{ code: 'CONFIG_INVALID', path: 'body.job.transform.0.with.expression' }],
    });
  });

  it('ends a task over its total deadline, though each record stays within its own limit', async () => {
    // Each record loops until JSONata's 1 s per-expression limit; 1,000 of them would take
    // 17 minutes in one request.
    const workers = pool({ workers: 1, deadlineMs: 1500 });
    const loop = '($f := function($n) { $n < 0 ? 0 : $f($n + 1) }; $f(0))';
    const pending = workers.run('dry-run', request(loop, 1000));
    await expect(pending).rejects.toMatchObject({
      code: 'JOB_LIMIT_EXCEEDED',
      status: 422,
      message: expect.stringContaining('longer than 1500 ms in total') as string,
    });
    // The worker was replaced: the pool still answers.
    await expect(workers.run('dry-run', request('id'))).resolves.toMatchObject({ job: 'job' });
  });

  it('ends a worker whose heap outgrows the cap', async () => {
    const workers = pool({ workers: 1, heapMb: 32 });
    // Within the string caps, yet one call builds a list of 4 million strings (> 32 MiB).
    const hog = '$split($pad("", 4000000, "ab"), "")';
    await expect(workers.run('dry-run', request(hog, 3))).rejects.toMatchObject({
      code: 'JOB_LIMIT_EXCEEDED',
      message: expect.stringContaining('more than 32 MiB') as string,
    });
    await expect(workers.run('dry-run', request('id'))).resolves.toMatchObject({ job: 'job' });
  });

  it('refuses an input too deep to be cloned for a worker, and carries on', async () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const workers = pool({ workers: 1 });
    await expect(
      workers.run('dry-run', { ...request('id'), input_data: { id: 1, deep } }),
    ).rejects.toMatchObject({ code: 'REQUEST_INVALID', status: 400 });
    await expect(workers.run('dry-run', request('id'))).resolves.toMatchObject({ job: 'job' });
  });

  it('refuses a task at once when every worker is busy and the queue is full', async () => {
    const workers = pool({ workers: 1, queue: 1, deadlineMs: 8000 });
    await workers.run('dry-run', request('id')); // the worker is started and idle
    const loop = '($f := function($n) { $n < 0 ? 0 : $f($n + 1) }; $f(0))';
    const first = workers.run('dry-run', request(loop, 2));
    const second = workers.run('dry-run', request('id'));
    await expect(workers.run('dry-run', request('id'))).rejects.toMatchObject({
      code: 'TIMEOUT',
      retryable: true,
    });
    await expect(first).resolves.toMatchObject({
      details: [{ outcome: 'rejected' }, { outcome: 'rejected' }],
    });
    await expect(second).resolves.toMatchObject({ records: [{ id: 0, out: 0 }] });
  });

  it('renders a trace in a worker, and ends one whose stored job runs past the deadline', async () => {
    const workers = pool({ workers: 1, deadlineMs: 1500 });
    const value = (id: number) =>
      JSON.stringify({
        schema: null,
        payload: {
          op: 'c',
          before: null,
          after: { id },
          source: { db: 'shop', schema: 'public', table: 't' },
        },
      });
    const entries = Array.from({ length: 50 }, (_, i) => ({
      stream: 'data:pg.public.t',
      id: `${i + 1}-0`,
      key: JSON.stringify({ schema: null, payload: { id: i + 1 } }),
      value: value(i + 1),
      fields: [],
    }));
    const trace = (expression: string) => ({
      jobs: { t: request(expression).job as string },
      secretNames: [],
      defaults: { dataType: 'hash' as const, jsonUpdate: 'replace' as const },
      entries,
      defaultDataType: 'hash' as const,
      now: 0,
    });
    const traced = await workers.run('trace', trace('id * 2'));
    expect(traced).toHaveLength(50);
    expect(traced[1]).toMatchObject({ job: 't', outcome: 'inserted', record: { id: 2, out: 4 } });
    const loop = '($f := function($n) { $n < 0 ? 0 : $f($n + 1) }; $f(0))';
    await expect(workers.run('trace', trace(loop))).rejects.toMatchObject({
      code: 'JOB_LIMIT_EXCEEDED',
    });
  });
});
