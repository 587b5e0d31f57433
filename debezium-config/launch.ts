// Starts one Debezium Server from a shared, read-only distribution folder: each server gets its
// own working folder (Quarkus reads ./config/application.properties from the working directory),
// so several can run at once from one dist. `java` is spawned directly, without run.sh or a shell.
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { SluiceError } from '../common/errors.ts';
import { describeExit, spawnLoggedProcess, type ChildExit } from './launch-child-process.ts';
import { debeziumExtensionsJar } from './launch-extensions.ts';
import { findJava } from './launch-find-java.ts';
import { lastErrorMessage, readableLogLine } from './launch-log-format.ts';
import { readLogTail } from './launch-log-tail.ts';
import { writeSourceTlsFiles } from './launch-source-tls.ts';
import { propertyValue } from './launch-properties.ts';

export interface DebeziumServerOptions {
  /** The unpacked distribution (see installDebezium()). Never written to. */
  readonly distDir: string;
  /** This server's own folder: config/application.properties is written there. */
  readonly workDir: string;
  /** Full text of application.properties. */
  readonly properties: string;
  /** Added to this process's environment; Quarkus also reads settings (e.g. secrets) from it. */
  readonly env?: Readonly<Record<string, string>>;
  /** A Java 21+ binary; found with find-java.sh when absent. */
  readonly javaPath?: string;
  /** Maximum heap, e.g. `512m` (becomes -Xmx512m). */
  readonly heap?: string;
  readonly logFile: string;
  /** Port of /q/health; defaults to quarkus.http.port of the properties, then 8080. */
  readonly httpPort?: number;
  /** Grace period of stop() before SIGKILL; default 15 s. */
  readonly stopGraceMs?: number;
  /**
   * Serve Debezium's JMX metrics in Prometheus format on 127.0.0.1:<port>/metrics through the
   * bundled JMX exporter agent (what run.sh does for JMX_EXPORTER_PORT, but not on 0.0.0.0).
   */
  readonly metricsPort?: number;
  /** Exporter rules; default the dist's config/metrics.yml. */
  readonly metricsConfig?: string;
}

export interface DebeziumProcess {
  readonly pid: number;
  readonly httpPort: number;
  readonly logFile: string;
  /** Resolves when the JVM has exited (Debezium exits when its engine fails). */
  readonly exited: Promise<ChildExit>;
  /** Resolves once /q/health reports UP; rejects with the log tail if the JVM exits first. */
  waitUntilHealthy(timeoutMs?: number): Promise<void>;
  /** SIGTERM, SIGKILL after the grace period; idempotent. */
  stop(graceMs?: number): Promise<ChildExit>;
  /** SIGKILL. */
  kill(): Promise<ChildExit>;
  logTail(lines?: number): Promise<string>;
}

const MAIN_CLASS = 'io.debezium.server.Main';
const HEALTH_POLL_MS = 250;

export async function startDebeziumServer(opts: DebeziumServerOptions): Promise<DebeziumProcess> {
  const givenEnv: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  const javaPath = opts.javaPath ?? (await findJava(givenEnv));
  // The source's TLS certificates become files in workDir; the JVM never sees the key text.
  const env: NodeJS.ProcessEnv = await writeSourceTlsFiles(opts.workDir, givenEnv, javaPath);
  const runnerJar = await findRunnerJar(opts.distDir);
  const metricsAgent = await metricsAgentArgs(opts, env);
  const httpPort = opts.httpPort ?? httpPortOf(opts.properties, env);

  const configDir = join(opts.workDir, 'config');
  await mkdir(configDir, { recursive: true });
  const propertiesFile = join(configDir, 'application.properties');
  await writeFile(propertiesFile, opts.properties, { mode: 0o600 });
  // writeFile's mode only applies when it creates the file; the properties may hold passwords.
  await chmod(propertiesFile, 0o600);

  // Sluice's extensions come before lib/: a stale copy there must not shadow this checkout's.
  const extensions = await debeziumExtensionsJar(opts.distDir, env);
  const classpath = [
    runnerJar,
    join(opts.distDir, 'config', 'lib'),
    ...(extensions === undefined ? [] : [extensions]),
    join(opts.distDir, 'lib', '*'),
  ].join(delimiter);
  const args = [
    // run.sh passes both; DEBEZIUM_OPTS is the one the JMX helper scripts do not overwrite.
    ...splitOptions(env['DEBEZIUM_OPTS']),
    ...splitOptions(env['JAVA_OPTS']),
    ...(opts.heap === undefined ? [] : [`-Xmx${opts.heap}`]),
    ...metricsAgent,
    // A JVM limping on after an OutOfMemoryError may stop capturing silently; dying lets the
    // supervisor restart it from the last offset.
    '-XX:+ExitOnOutOfMemoryError',
    // On Java 24+ Quarkus' jboss-threads needs this, else it throws IllegalAccessError on
    // shutdown; harmless on Java 21.
    '--add-opens=java.base/java.lang=ALL-UNNAMED',
    '-cp',
    classpath,
    MAIN_CLASS,
  ];
  const child = await spawnLoggedProcess({
    name: 'debezium-server',
    command: javaPath,
    args,
    cwd: opts.workDir,
    env,
    logFile: opts.logFile,
    ...(opts.stopGraceMs === undefined ? {} : { stopGraceMs: opts.stopGraceMs }),
  });

  const logTail = (lines = 40): Promise<string> => readLogTail(opts.logFile, lines);
  const failure = async (
    code: 'PROCESS_FAILED' | 'TIMEOUT',
    what: string,
  ): Promise<SluiceError> => {
    const lines = (await logTail(200)).split('\n');
    const reason = lastErrorMessage(lines);
    const readable = lines.slice(-30).map((line) => readableLogLine(line).slice(0, 400));
    return new SluiceError(
      code,
      `Debezium Server (pid ${child.pid}) ${what}${reason === undefined ? '' : `: ${reason}`}`,
      { hint: `last lines of ${opts.logFile}:\n${readable.join('\n')}` },
    );
  };

  const waitUntilHealthy = async (timeoutMs = 120_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const exit = child.exitStatus();
      if (exit !== undefined) {
        throw await failure(
          'PROCESS_FAILED',
          `exited with ${describeExit(exit)} before it was healthy`,
        );
      }
      if (await isHealthy(httpPort)) return;
      if (Date.now() >= deadline) {
        throw await failure('TIMEOUT', `was not healthy on port ${httpPort} after ${timeoutMs} ms`);
      }
      // Wake early when the JVM dies instead of sleeping out the interval.
      await Promise.race([child.exited, delay(HEALTH_POLL_MS)]);
    }
  };

  return {
    pid: child.pid,
    httpPort,
    logFile: opts.logFile,
    exited: child.exited,
    waitUntilHealthy,
    stop: (graceMs) => child.stop(graceMs),
    kill: () => child.kill(),
    logTail,
  };
}

/**
 * The JMX exporter agent flag, bound to 127.0.0.1 (run.sh binds it to 0.0.0.0) unless
 * SLUICE_DEBEZIUM_METRICS_HOST says otherwise: in a container, Prometheus scrapes it from outside.
 */
async function metricsAgentArgs(
  opts: DebeziumServerOptions,
  env: NodeJS.ProcessEnv,
): Promise<string[]> {
  if (opts.metricsPort === undefined) return [];
  const agent = await findJar(opts.distDir, 'lib_metrics', /^jmx_prometheus_javaagent-.*\.jar$/);
  const config = opts.metricsConfig ?? join(opts.distDir, 'config', 'metrics.yml');
  const host = env['SLUICE_DEBEZIUM_METRICS_HOST'] ?? '127.0.0.1';
  return [`-javaagent:${agent}=${host}:${opts.metricsPort}:${config}`];
}

function findRunnerJar(distDir: string): Promise<string> {
  return findJar(distDir, '.', /^debezium-server-.*-runner\.jar$/);
}

async function findJar(distDir: string, folder: string, pattern: RegExp): Promise<string> {
  let names: string[];
  try {
    names = await readdir(join(distDir, folder));
  } catch (cause) {
    throw new SluiceError('DEBEZIUM_NOT_INSTALLED', `No Debezium Server in ${distDir}.`, {
      cause,
      hint: 'Run debezium-config/install-debezium.sh.',
    });
  }
  const jar = names.find((name) => pattern.test(name));
  if (jar === undefined) {
    throw new SluiceError(
      'DEBEZIUM_NOT_INSTALLED',
      `No ${String(pattern)} in ${join(distDir, folder)}.`,
      {
        hint: 'The folder is not an unpacked debezium-server-dist; run install-debezium.sh.',
      },
    );
  }
  return join(distDir, folder, jar);
}

function httpPortOf(properties: string, env: NodeJS.ProcessEnv): number {
  // Quarkus lets the environment override the file.
  const raw = env['QUARKUS_HTTP_PORT'] ?? propertyValue(properties, 'quarkus.http.port') ?? '8080';
  const port = Number(raw);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
    throw new SluiceError('CONFIG_INVALID', `quarkus.http.port is not a port: '${raw}'.`);
  }
  return port;
}

/** Splits JAVA_OPTS-style text on whitespace, as run.sh's unquoted expansion does. */
function splitOptions(value: string | undefined): string[] {
  return (value ?? '').split(/\s+/).filter((part) => part !== '');
}

async function isHealthy(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/q/health`, {
      signal: AbortSignal.timeout(2_000),
    });
    const body: unknown = await response.json();
    return response.ok && isRecord(body) && body['status'] === 'UP';
  } catch {
    // Not listening yet, or a half-written reply while Quarkus starts.
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
