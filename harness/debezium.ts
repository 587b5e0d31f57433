// Starts a real Debezium Server for a test from the cached distribution (installed on first
// use), in its own working folder, registered for cleanup, and waits until it is healthy.
import { join } from 'node:path';
import { findJava } from '../debezium-config/launch-find-java.ts';
import { installDebezium } from '../debezium-config/launch-install.ts';
import { propertyValue } from '../debezium-config/launch-properties.ts';
import { startDebeziumServer, type DebeziumProcess } from '../debezium-config/launch.ts';
import { freePort } from '../common/free-port.ts';
import type { ProcessRegistry } from './process-registry.ts';

export interface HarnessDebeziumOptions {
  /** Working folder of this server (config/, debezium.log); created. */
  readonly dir: string;
  readonly registry: ProcessRegistry;
  /**
   * application.properties; a free quarkus.http.port and quarkus.http.host=127.0.0.1 are
   * appended when they are not set.
   */
  readonly properties: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Default `512m`, so that a few servers fit on a small machine. */
  readonly heap?: string;
  /** Wait for /q/health UP; default 120 s. */
  readonly healthyTimeoutMs?: number;
  /** Serve JMX metrics in Prometheus format on 127.0.0.1:<port>/metrics. */
  readonly metricsPort?: number;
}

// Shared by every server of the worker: both lookups shell out.
let distDir: Promise<string> | undefined;
let javaPath: Promise<string> | undefined;

export async function startHarnessDebezium(opts: HarnessDebeziumOptions): Promise<DebeziumProcess> {
  // A failed lookup is forgotten so that the next test tries again.
  distDir ??= installDebezium().catch((err: unknown) => {
    distDir = undefined;
    throw err;
  });
  javaPath ??= findJava().catch((err: unknown) => {
    javaPath = undefined;
    throw err;
  });
  const extra: string[] = [];
  if (propertyValue(opts.properties, 'quarkus.http.port') === undefined) {
    extra.push(`quarkus.http.port=${await freePort()}`);
  }
  // Quarkus listens on 0.0.0.0 by default; a test server has no business on the network.
  if (propertyValue(opts.properties, 'quarkus.http.host') === undefined) {
    extra.push('quarkus.http.host=127.0.0.1');
  }
  const properties = [opts.properties.trimEnd(), ...extra, ''].join('\n');
  const server = await startDebeziumServer({
    distDir: await distDir,
    javaPath: await javaPath,
    workDir: opts.dir,
    properties,
    heap: opts.heap ?? '512m',
    logFile: join(opts.dir, 'debezium.log'),
    stopGraceMs: 10_000,
    ...(opts.env === undefined ? {} : { env: opts.env }),
    ...(opts.metricsPort === undefined ? {} : { metricsPort: opts.metricsPort }),
  });
  let exited = false;
  void server.exited.then(() => {
    exited = true;
  });
  opts.registry.add({
    name: `debezium:${server.httpPort}`,
    // A dead server's pid may be reused by another process: never signal it.
    get pid() {
      return exited ? undefined : server.pid;
    },
    stop: () => server.stop(),
    kill: () => server.kill(),
  });
  await server.waitUntilHealthy(opts.healthyTimeoutMs ?? 120_000);
  return server;
}
