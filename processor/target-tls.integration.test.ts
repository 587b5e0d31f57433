// TLS to a target against a real redis-server that only accepts TLS with client certificates
// (certificates made by openssl for the test): config.yaml's cacert/cert/key as PEM text (as
// secrets hold them) or as file paths, a batch applied through the atomic writer, and clear
// failures without a client certificate or with half of one.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../common/free-port.ts';
import { startRedis } from '../harness/redis.ts';
import { makeTlsCertificates } from '../harness/tls-certificates.ts';
import { useTestContext } from '../harness/test-context.ts';
import { parsePipelineConfig, type TargetConfig } from '../pipeline/load-config.ts';
import { connectionTester } from '../api/net/test-connections.ts';
import { connectionSpecs } from '../api/pipelines/validate-pipeline.ts';
import { connectTarget } from './target-connect.ts';

const ctx = useTestContext();
let tlsPort = 0;
const pem: Record<'ca' | 'cert' | 'key', string> = { ca: '', cert: '', key: '' };

beforeAll(async () => {
  const dir = `${ctx.dir}/certs`;
  await makeTlsCertificates(dir);
  tlsPort = await freePort();
  await startRedis({
    dir: `${ctx.dir}/target`,
    registry: ctx.registry,
    extraArgs: [
      ...['--tls-port', String(tlsPort), '--tls-auth-clients', 'yes'],
      ...['--tls-cert-file', join(dir, 'server.pem'), '--tls-key-file', join(dir, 'server.key')],
      ...['--tls-ca-cert-file', join(dir, 'ca.pem')],
    ],
  });
  pem.ca = await readFile(join(dir, 'ca.pem'), 'utf8');
  pem.cert = await readFile(join(dir, 'client.pem'), 'utf8');
  pem.key = await readFile(join(dir, 'client.key'), 'utf8');
}, 120_000);

function target(connection: Record<string, string>): TargetConfig {
  const parsed = pipeline(connection).targets['target'];
  if (parsed === undefined) throw new Error('the config has its target');
  return parsed;
}

function pipeline(connection: Record<string, string>) {
  return parsePipelineConfig(
    `sources: {}\ntargets:\n  target:\n    connection:\n      host: 127.0.0.1\n      port: ${tlsPort}\n` +
      Object.keys(connection)
        .map((key) => `      ${key}: \${${key.toUpperCase()}}\n`)
        .join(''),
    'config.yaml',
    Object.fromEntries(Object.entries(connection).map(([k, v]) => [k.toUpperCase(), v])),
  );
}

describe('a TLS target', () => {
  it('is written through TLS with PEM text from secrets', async () => {
    const connected = await connectTarget(
      'target',
      target({ cacert: pem.ca, cert: pem.cert, key: pem.key }),
    );
    try {
      const result = await connected.writer.apply({
        stream: 'data:pg.public.t',
        firstId: '1-0',
        lastId: '1-0',
        epoch: 1,
        ops: [{ kind: 'hash', key: 't:id:1', fields: [['id', '1']], keep: [] }],
      });
      expect(result).toMatchObject({ applied: true });
      expect(await connected.probe.hgetall('t:id:1')).toEqual({ id: '1' });
      expect(await connected.writer.readCheckpoints()).toEqual(
        new Map([['data:pg.public.t', '1-0']]),
      );
    } finally {
      await connected.close();
    }
  });

  it('reads PEM files when the values are paths', async () => {
    const dir = `${ctx.dir}/certs`;
    const connected = await connectTarget(
      'target',
      target({
        cacert: join(dir, 'ca.pem'),
        cert: join(dir, 'client.pem'),
        key: join(dir, 'client.key'),
      }),
    );
    try {
      expect(await connected.probe.ping()).toBe('PONG');
    } finally {
      await connected.close();
    }
  });

  it("is reached by a dry run's connection test with the same TLS settings", async () => {
    const test = connectionTester(5_000);
    const [withTls] = connectionSpecs(pipeline({ cacert: pem.ca, cert: pem.cert, key: pem.key }));
    expect(withTls === undefined ? undefined : await test(withTls)).toEqual({ ok: true });
    const [plain] = connectionSpecs(pipeline({}));
    expect(plain === undefined ? undefined : await test(plain)).toMatchObject({ ok: false });
  });

  it('fails clearly without a client certificate, with half of one, or with a missing file', async () => {
    await expect(connectTarget('target', target({ cacert: pem.ca }))).rejects.toMatchObject({
      code: 'TARGET_UNAVAILABLE',
      path: 'targets.target.connection',
    });
    await expect(
      connectTarget('target', target({ cacert: pem.ca, cert: pem.cert })),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID', path: 'targets.target.connection.key' });
    await expect(
      connectTarget('target', target({ cacert: '/nowhere/ca.pem' })),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID', path: 'targets.target.connection.cacert' });
  });
});
