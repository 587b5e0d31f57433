// Status and dead-letter routes against a real RDI database laid out as the processor and
// operator leave it: statistics hashes, streams with a consumer group, DLQ entries.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  BACKPRESSURE_KEY,
  dlqKey,
  pipelineStatusKey,
  PROCESSOR_GROUP,
  statsKey,
} from '../pipeline/redis-keys.ts';
import { configYaml, useApiFixture } from './testing/api-fixture.ts';

const api = useApiFixture();
const people = 'data:pg.public.people';
const orders = 'data:pg.public.orders';
const foreign = 'data:other.public.people';

beforeEach(async () => {
  await api.rdi.flushdb();
  await api.rdi.hset('sluice:secrets', 'SOURCE_DB_PASSWORD', 'pw');
  const created = await api.call({
    method: 'POST',
    url: '/api/v2/pipelines',
    payload: { name: 'default', config: configYaml(api.rdiPort) },
  });
  expect(created.statusCode).toBe(201);
});

async function reject(stream: string, n: number): Promise<string> {
  return (
    (await api.rdi.xadd(
      dlqKey(stream),
      '*',
      'entry_id',
      `1-${n}`,
      'error_code',
      'ENVELOPE_INVALID',
      'reason',
      `bad ${n}`,
      'job',
      'default',
      'time',
      String(1000 + n),
      'key',
      `{"id":${n}}`,
      'value',
      `{"op":"c","n":${n}}`,
    )) ?? ''
  );
}

describe('status', () => {
  it('combines desired state, the operator report, backpressure and per-stream statistics', async () => {
    for (let i = 0; i < 5; i++) await api.rdi.xadd(people, '*', 'key', '{}', 'value', '{}');
    await api.rdi.xgroup('CREATE', people, PROCESSOR_GROUP, '0');
    await api.rdi.xreadgroup('GROUP', PROCESSOR_GROUP, 'p1', 'COUNT', 2, 'STREAMS', people, '>');
    await api.rdi.hset(statsKey(people), {
      total: 7,
      inserted: 4,
      updated: 2,
      deleted: 1,
      rejected: 1,
      last_arrival: 1234,
    });
    await reject(people, 1);
    await api.rdi.hset(statsKey(orders), { total: 3, inserted: 3 });
    await api.rdi.hset(statsKey(foreign), { total: 99 });
    await api.rdi.hset(pipelineStatusKey('default'), {
      phase: 'cdc',
      updated_at: 5555,
      components: JSON.stringify([
        { name: 'collector', type: 'collector', state: 'running', restarts: 1 },
      ]),
      errors: 'not json',
      snapshot: JSON.stringify({ completed: true, tables_remaining: 0 }),
    });
    await api.rdi.hset(BACKPRESSURE_KEY, { reason: 'backlog above high-water mark', since: 42 });
    await api.call({ method: 'POST', url: '/api/v2/pipelines/default/start' });

    const response = await api.call({ method: 'GET', url: '/api/v2/pipelines/default/status' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      name: 'default',
      desired_state: 'started',
      reset_generation: 0,
      phase: 'cdc',
      reported_at: 5555,
      components: [{ name: 'collector', type: 'collector', state: 'running', restarts: 1 }],
      errors: [],
      snapshot: { completed: true, tables_remaining: 0 },
      backpressure: { active: true, reason: 'backlog above high-water mark', since: 42 },
      streams: [
        {
          stream: orders,
          table: 'pg.public.orders',
          total: 3,
          pending: 0,
          lag: 0,
          inserted: 3,
          updated: 0,
          deleted: 0,
          filtered: 0,
          rejected: 0,
          replayed: 0,
          length: 0,
          dlq_length: 0,
        },
        {
          stream: people,
          table: 'pg.public.people',
          total: 7,
          pending: 2,
          lag: 3,
          inserted: 4,
          updated: 2,
          deleted: 1,
          filtered: 0,
          rejected: 1,
          replayed: 0,
          length: 5,
          dlq_length: 1,
          last_arrival: 1234,
        },
      ],
    });
  });

  it('says what to do when no operator has reported yet', async () => {
    const response = await api.call({ method: 'GET', url: '/api/v2/pipelines/default/status' });
    expect(response.json()).toMatchObject({
      phase: 'not_running',
      desired_state: 'stopped',
      backpressure: { active: false },
      streams: [],
      errors: [{ code: 'NO_OPERATOR', remediation: expect.any(String) as string }],
    });
  });

  it('answers 404 for an unknown pipeline', async () => {
    const response = await api.call({ method: 'GET', url: '/api/v2/pipelines/none/status' });
    expect(response.statusCode).toBe(404);
  });
});

describe('dead-letter queues', () => {
  it('lists the DLQs of the pipeline only', async () => {
    await reject(people, 1);
    await reject(people, 2);
    await reject(foreign, 1);
    const response = await api.call({ method: 'GET', url: '/api/v2/pipelines/default/dlqs' });
    expect(response.json()).toEqual({
      dlqs: [{ table: 'pg.public.people', stream: people, dlq: dlqKey(people), count: 2 }],
    });
  });

  it('pages through records in both orders, by full or bare table name', async () => {
    for (let n = 1; n <= 5; n++) await reject(people, n);
    const url = '/api/v2/pipelines/default/dlqs/pg.public.people/records';
    const newest = await api.call({ method: 'GET', url: `${url}?limit=2` });
    const body = newest.json<{ total: number; records: { reason: string; time: number }[] }>();
    expect(body.total).toBe(5);
    expect(body.records.map((r) => r.reason)).toEqual(['bad 5', 'bad 4']);
    expect(body.records[0]).toMatchObject({
      entry_id: '1-5',
      error_code: 'ENVELOPE_INVALID',
      job: 'default',
      time: 1005,
      key: '{"id":5}',
    });
    const page = await api.call({
      method: 'GET',
      url: '/api/v2/pipelines/default/dlqs/people/records?limit=2&offset=2&sort_order=asc',
    });
    expect(page.json<{ records: { reason: string }[] }>().records.map((r) => r.reason)).toEqual([
      'bad 3',
      'bad 4',
    ]);
  });

  it('refuses bad paging parameters and unknown tables', async () => {
    const base = '/api/v2/pipelines/default/dlqs/pg.public.people/records';
    for (const [query, path] of [
      ['limit=0', 'query.limit'],
      ['offset=-1', 'query.offset'],
      ['sort_order=up', 'query.sort_order'],
      ['x=1', 'query.x'],
    ]) {
      const response = await api.call({ method: 'GET', url: `${base}?${query ?? ''}` });
      expect(response.statusCode, query).toBe(400);
      expect(response.json(), query).toMatchObject({ code: 'REQUEST_INVALID', path });
    }
    const unknown = await api.call({
      method: 'GET',
      url: '/api/v2/pipelines/default/dlqs/pg.public.nothing/records',
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'DLQ_NOT_FOUND' });
  });

  it('replays chosen records into the change stream and removes them from the DLQ', async () => {
    const first = await reject(people, 1);
    await reject(people, 2);
    await api.rdi.xadd(
      dlqKey(people),
      '*',
      'entry_id',
      '1-9',
      'error_code',
      'X',
      'reason',
      'r',
      'job',
      'j',
      'time',
      '1',
      'key',
      '',
      'value',
      'v',
    );
    const url = '/api/v2/pipelines/default/dlqs/pg.public.people/replay';
    const chosen = await api.call({ method: 'POST', url, payload: { ids: [first, '0-1'] } });
    expect(chosen.json()).toEqual({
      table: 'pg.public.people',
      replayed: 1,
      missing: 1,
      remaining: 2,
    });
    const entries = await api.rdi.xrange(people, '-', '+');
    expect(entries.map(([, fields]) => fields)).toEqual([
      ['key', '{"id":1}', 'value', '{"op":"c","n":1}', 'replay_of', '1-1'],
    ]);

    const all = await api.call({ method: 'POST', url, payload: { all: true } });
    expect(all.json()).toMatchObject({ replayed: 2, missing: 0, remaining: 0 });
    const after = await api.rdi.xrange(people, '-', '+');
    expect(after.map(([, fields]) => fields).at(-1)).toEqual(['value', 'v', 'replay_of', '1-9']);
    expect(await api.rdi.hget(statsKey(people), 'replayed')).toBe('3');
  });

  it('needs either ids or all', async () => {
    const url = '/api/v2/pipelines/default/dlqs/pg.public.people/replay';
    for (const payload of [{}, { ids: ['1-1'], all: true }]) {
      const response = await api.call({ method: 'POST', url, payload });
      expect(response.statusCode).toBe(400);
    }
    const badId = await api.call({ method: 'POST', url, payload: { ids: ['nope'] } });
    expect(badId.json()).toMatchObject({ code: 'REQUEST_INVALID', path: 'body.ids.0' });
  });
});
