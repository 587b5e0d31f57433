// Validating a maximal pipeline (1,000 jobs, each with many expressions) costs the CPU of an
// expression worker, not of the event loop: while one such request is validated, the api
// keeps answering other requests. On the event loop the same validation would serve none
// of them until it ends (the other requests are sent on a timer that cannot fire then).
import { beforeEach, describe, expect, it } from 'vitest';
import { configYaml, useApiFixture } from './testing/api-fixture.ts';

const api = useApiFixture();
const JOBS = 1000;
const FIELDS = 7;

beforeEach(async () => {
  await api.rdi.flushdb();
  await api.rdi.hset('sluice:secrets', 'SOURCE_DB_PASSWORD', 'pw');
});

/** A valid job of ~45 lines and commas: a filter and FIELDS computed fields, JMESPath and SQL. */
function heavyJob(table: string): string {
  const fields = Array.from({ length: FIELDS }, (_, i) =>
    i % 2 === 0
      ? `        - field: f${i}\n          expression: concat([first_name, ' ', last_name, '${i}'])\n          language: jmespath`
      : `        - field: f${i}\n          expression: upper(first_name) || '${i}'\n          language: sql`,
  ).join('\n');
  return `source:
  table: ${table}
transform:
  - uses: filter
    with:
      expression: age > 17
  - uses: add_field
    with:
      fields:
${fields}
output:
  - uses: redis.write
    with:
      data_type: hash
`;
}

describe('pipeline validation runs off the event loop', () => {
  it('keeps answering other requests while 1,000 heavy jobs are validated', async () => {
    const jobs = Object.fromEntries(
      Array.from({ length: JOBS }, (_, i) => [`job${i}`, heavyJob(`t${i}`)]),
    );
    const token = await api.token();
    let validated = false;
    let servedMeanwhile = 0;
    const validation = api
      .call({
        method: 'POST',
        url: '/api/v2/pipelines?dry_run=false',
        payload: { name: 'big', config: configYaml(api.rdiPort), jobs },
        token,
      })
      .finally(() => {
        validated = true;
      });
    const others: Promise<unknown>[] = [];
    const timer = setInterval(() => {
      if (validated) return;
      others.push(
        api.call({ method: 'GET', url: '/api/v2/info', token }).then((response) => {
          if (response.statusCode === 200 && !validated) servedMeanwhile += 1;
        }),
      );
    }, 10);
    const response = await validation;
    clearInterval(timer);
    await Promise.all(others);
    expect(response.statusCode, response.body).toBe(201);
    // Measured: 331 served with the worker; 4 on the event loop (before validation began).
    expect(servedMeanwhile).toBeGreaterThanOrEqual(50);
  });

  it('reports the problems of a job validated in the worker with file and line', async () => {
    const response = await api.call({
      method: 'POST',
      url: '/api/v2/pipelines',
      payload: {
        name: 'bad',
        config: configYaml(api.rdiPort),
        jobs: { people: heavyJob('people').replace('age > 17', 'age >') },
      },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'CONFIG_INVALID',
      problems: [{ file: 'jobs/people.yaml', line: 6 }],
    });
  });
});
