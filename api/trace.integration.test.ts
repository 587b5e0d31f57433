// Trace through the API against a real RDI database: captures only entries that arrive after
// the call, leaves the processor's consumer group untouched, runs jobs (or the default job)
// and returns input, output and commands; gives up at the timeout.
import { beforeEach, describe, expect, it } from 'vitest';
import { PROCESSOR_GROUP } from '../pipeline/redis-keys.ts';
import { configYaml, PEOPLE_JOB, useApiFixture } from './testing/api-fixture.ts';

const api = useApiFixture();
const PEOPLE = 'data:pg.public.people';
const ORDERS = 'data:pg.public.orders';

beforeEach(async () => {
  await api.rdi.flushdb();
  await api.rdi.hset('sluice:secrets', 'SOURCE_DB_PASSWORD', 'pw');
  const created = await api.call({
    method: 'POST',
    url: '/api/v2/pipelines',
    payload: { name: 'default', config: configYaml(api.rdiPort), jobs: { people: PEOPLE_JOB } },
  });
  expect(created.statusCode).toBe(201);
});

function change(table: string, id: number, age: number): string[] {
  const after = { id, name: `n${id}`, age };
  const source = { db: 'shop', schema: 'public', table };
  return ['key', JSON.stringify({ id }), 'value', JSON.stringify({ op: 'c', after, source })];
}

/** Resolves once the trace's XREAD is blocked waiting for entries. */
async function traceWaiting(): Promise<void> {
  for (;;) {
    const clients = (await api.rdi.call('CLIENT', 'LIST')) as string;
    if (clients.includes('cmd=xread')) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Trace {
  captured: number;
  timed_out: boolean;
  streams: string[];
  entries: {
    stream: string;
    job: string;
    outcome: string;
    record?: Record<string, unknown>;
    commands: string[][];
    event?: { op: string; after: Record<string, unknown> };
  }[];
}

describe('trace', () => {
  it('captures the next entries without consuming them and shows what the jobs do', async () => {
    await api.rdi.xadd(PEOPLE, '*', ...change('people', 1, 40));
    await api.rdi.xadd(ORDERS, '*', ...change('orders', 9, 0));
    await api.rdi.xgroup('CREATE', PEOPLE, PROCESSOR_GROUP, '0');
    const before = await api.rdi.xinfo('GROUPS', PEOPLE);
    const pending = api.call({
      method: 'POST',
      url: '/api/v2/pipelines/default/trace',
      payload: { count: 3, timeout_ms: 20_000 },
    });
    await traceWaiting();
    await api.rdi.xadd(PEOPLE, '*', ...change('people', 2, 30));
    await api.rdi.xadd(PEOPLE, '*', ...change('people', 3, 12));
    await api.rdi.xadd(ORDERS, '*', ...change('orders', 10, 0));
    const response = await pending;
    expect(response.statusCode).toBe(200);
    const body = response.json<Trace>();
    expect(body).toMatchObject({ captured: 3, timed_out: false, streams: [ORDERS, PEOPLE] });
    // Order is kept within a stream; across streams it depends on arrival (stable sort).
    const byStream = [...body.entries].sort((a, b) => a.stream.localeCompare(b.stream));
    expect(byStream.map((e) => [e.stream, e.job, e.outcome])).toEqual([
      [ORDERS, 'default', 'inserted'],
      [PEOPLE, 'people', 'inserted'],
      [PEOPLE, 'people', 'filtered'],
    ]);
    const firstPerson = body.entries.find((e) => e.stream === PEOPLE);
    expect(firstPerson?.event).toMatchObject({ op: 'c', after: { id: 2, age: 30 } });
    expect(firstPerson?.record).toEqual({ id: 2, name: 'n2', age: 30 });
    expect(firstPerson?.commands).toContainEqual([
      'HSET',
      'people:id:2',
      'id',
      '2',
      'name',
      'n2',
      'age',
      '30',
    ]);
    expect(body.entries.find((e) => e.stream === ORDERS)?.commands).toContainEqual([
      'HSET',
      'orders:id:10',
      'id',
      '10',
      'name',
      'n10',
      'age',
      '0',
    ]);
    // Nothing was read through the consumer group, acknowledged or removed.
    const [group] = (await api.rdi.xinfo('GROUPS', PEOPLE)) as unknown[][];
    const field = (info: unknown[] | undefined, name: string): unknown =>
      info?.[info.indexOf(name) + 1];
    const [old] = before as unknown[][];
    for (const name of ['pending', 'last-delivered-id', 'entries-read', 'consumers'])
      expect(field(group, name), name).toEqual(field(old, name));
    expect(await api.rdi.xlen(PEOPLE)).toBe(3);
  });

  it('returns what arrived when the timeout passes, and watches streams that appear', async () => {
    const pending = api.call({
      method: 'POST',
      url: '/api/v2/pipelines/default/trace',
      payload: { count: 5, timeout_ms: 1500 },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The first change of a table creates its stream during the trace.
    await api.rdi.xadd(PEOPLE, '*', ...change('people', 5, 50));
    const body = (await pending).json<Trace>();
    expect(body).toMatchObject({ captured: 1, timed_out: true });
    expect(body.entries[0]).toMatchObject({ stream: PEOPLE, outcome: 'inserted' });
  });

  it('rejects an entry that is not a change event, and validates the request', async () => {
    await api.rdi.xadd(PEOPLE, '*', ...change('people', 1, 40));
    const pending = api.call({
      method: 'POST',
      url: '/api/v2/pipelines/default/trace',
      payload: { count: 1, timeout_ms: 20_000 },
    });
    await traceWaiting();
    await api.rdi.xadd(PEOPLE, '*', 'value', 'not json');
    const body = (await pending).json<Trace & { entries: { error?: { code: string } }[] }>();
    expect(body.entries[0]).toMatchObject({
      outcome: 'rejected',
      error: { code: 'ENVELOPE_INVALID' },
    });

    const cases: [string, object, number, string?][] = [
      ['/api/v2/pipelines/default/trace', { count: 0 }, 400, 'body.count'],
      ['/api/v2/pipelines/default/trace', { timeout_ms: 'soon' }, 400, 'body.timeout_ms'],
      ['/api/v2/pipelines/default/trace', { count: 1, colour: 1 }, 400, 'body.colour'],
      ['/api/v2/pipelines/nope/trace', {}, 404],
    ];
    for (const [url, payload, status, path] of cases) {
      const response = await api.call({ method: 'POST', url, payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      if (path !== undefined) expect(response.json()).toMatchObject({ path });
    }
  });
});
