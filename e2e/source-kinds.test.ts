// A real Debezium Server 3.6 started with Sluice's rendering for each source kind no database
// of which runs on these machines (SQL Server, Oracle LogMiner, MongoDB replica set and Atlas
// SRV) and for the MySQL 8 and Supabase variants: the source address is a closed local port
// (Atlas: a name that does not resolve), so Debezium's own configuration checks must pass and
// the failure must be the connection. What the operator reports is the error of
// waitUntilHealthy (the collector's start failure), so that message is checked too.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../common/free-port.ts';
import { findJava } from '../debezium-config/launch-find-java.ts';
import { installDebezium } from '../debezium-config/launch-install.ts';
import { startDebeziumServer } from '../debezium-config/launch.ts';
import { renderDebeziumProperties } from '../debezium-config/render-properties.ts';
import { startRedis } from '../harness/redis.ts';
import { useTestContext } from '../harness/test-context.ts';
import { parsePipelineConfig } from '../pipeline/load-config.ts';

const ctx = useTestContext();
const fixtures = join(import.meta.dirname, '..', 'debezium-config', 'fixtures', 'sources');

/** What each connector says when nothing answers at the address. */
const CONNECTION_FAILURE: Readonly<Record<string, RegExp>> = {
  sqlserver:
    /Unable to connect.*The TCP\/IP connection to the host 127\.0\.0\.1, port \d+ has failed/,
  oracle: /Unable to connect/,
  mongodb: /Unable to connect|Timed out|refused|Exception opening socket/i,
  'mongodb-atlas': /Unable to connect|resolv|srv|DNS|Timed out/i,
  mysql8: /Failed to establish connection with the database|Unable to connect/,
  supabase: /Connection to 127\.0\.0\.1:\d+ refused/,
};

/** The fixture with its source pointed at a closed port on this machine. */
async function closedSourceConfig(name: string, port: number): Promise<string> {
  const text = await readFile(join(fixtures, `${name}.yaml`), 'utf8');
  // The source comes first in each fixture: its host and port are the first ones.
  return text
    .replace(/^(\s+)host: .+$/m, '$1host: 127.0.0.1')
    .replace(/^(\s+)port: \d+$/m, `$1port: ${String(port)}`)
    .replace(/mongodb:\/\/[^/]+\//, `mongodb://127.0.0.1:${String(port)}/`)
    .replace('cluster0.mongodb.net', 'cluster0.sluice-test.invalid');
}

describe('Debezium Server with the rendering of each source kind', () => {
  it.each(Object.keys(CONNECTION_FAILURE))(
    '%s: passes its config checks and fails on the connection',
    async (name) => {
      const rdi = await startRedis({ dir: join(ctx.dir, `rdi-${name}`), registry: ctx.registry });
      const port = await freePort();
      const config = parsePipelineConfig(await closedSourceConfig(name, port), `${name}.yaml`, {
        SOURCE_DB_USERNAME: 'dbz',
        SOURCE_DB_PASSWORD: 'dbz',
      });
      const [source] = Object.keys(config.sources);
      const rendered = renderDebeziumProperties(config, source ?? '', rdi, {
        httpPort: await freePort(),
      });
      // Shorter waits than the drivers' defaults (30 s), so that the failure comes soon.
      const properties = [
        rendered.properties.trimEnd(),
        'quarkus.http.host=127.0.0.1',
        'debezium.source.mongodb.server.selection.timeout.ms=3000',
        'debezium.source.mongodb.connect.timeout.ms=3000',
        '',
      ].join('\n');
      const workDir = join(ctx.dir, `debezium-${name}`);
      const server = await startDebeziumServer({
        distDir: await installDebezium(),
        javaPath: await findJava(),
        workDir,
        properties,
        env: rendered.env,
        heap: '384m',
        logFile: join(workDir, 'debezium.log'),
        stopGraceMs: 5_000,
      });
      ctx.registry.add({
        name: `debezium-${name}`,
        get pid() {
          return server.pid;
        },
        stop: () => server.stop(),
        kill: () => server.kill(),
      });
      const failure = await server.waitUntilHealthy(150_000).then(
        () => undefined,
        (error: unknown) => error,
      );
      const log = await readFile(join(workDir, 'debezium.log'), 'utf8');
      // Debezium's own property validation (`The 'x' value is invalid: …`) found nothing.
      expect(log).not.toMatch(/The '[^']+' value is invalid/);
      expect(log).not.toMatch(/ClassNotFoundException|Unrecognized configuration/);
      // The start failed, and the error the operator reports names the connection.
      expect(failure).toBeInstanceOf(Error);
      // The message itself (before the log excerpt of its hint) says it: that is what the
      // operator puts into the pipeline's status.
      const [message = ''] = (failure as Error).message.split(' Hint: ');
      expect(message).toMatch(/exited with code \d+ before it was healthy: /);
      expect(message).toMatch(CONNECTION_FAILURE[name] ?? /^$/);
      await server.stop();
    },
    240_000,
  );
});
