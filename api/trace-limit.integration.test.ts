// Each running trace holds an RDI database connection for its whole wait: beyond the limit a
// trace is refused at once with 429 TRACE_LIMIT_REACHED (and Retry-After), and a slot frees
// when a trace ends.
import { beforeAll, describe, expect, it } from 'vitest';
import { configYaml, useApiFixture } from './testing/api-fixture.ts';

const api = useApiFixture({ maxConcurrentTraces: 2 });
const STREAM = 'data:pg.public.people';

beforeAll(async () => {
  await api.rdi.hset('sluice:secrets', 'SOURCE_DB_PASSWORD', 'pw');
  await api.rdi.xadd(STREAM, '*', 'key', '{}', 'value', '{}');
  const created = await api.call({
    method: 'PUT',
    url: '/api/v2/pipelines/default',
    payload: { config: configYaml(api.rdiPort) },
  });
  expect(created.statusCode).toBe(200);
});

async function blockedReads(): Promise<number> {
  const clients = (await api.rdi.call('CLIENT', 'LIST')) as string;
  return clients.split('\n').filter((line) => line.includes('cmd=xread')).length;
}

describe('concurrent traces', () => {
  it('refuses a trace beyond the limit and admits one once a slot is free', async () => {
    const token = await api.token();
    const trace = (timeoutMs: number) =>
      api.call({
        method: 'POST',
        url: '/api/v2/pipelines/default/trace',
        payload: { count: 1, timeout_ms: timeoutMs },
        token,
      });
    const running = [trace(60_000), trace(60_000)];
    while ((await blockedReads()) < 2) await new Promise((resolve) => setTimeout(resolve, 10));

    const refused = await trace(1);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'TRACE_LIMIT_REACHED', retryable: true });
    expect(refused.headers['retry-after']).toBeDefined();

    await api.rdi.xadd(STREAM, '*', 'key', '{"id":1}', 'value', '{}');
    for (const response of await Promise.all(running)) expect(response.statusCode).toBe(200);
    expect((await trace(1)).statusCode).toBe(200);
  });
});
