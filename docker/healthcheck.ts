// The HEALTHCHECK of the sluice and sluice-collector images. One image runs several parts, so
// this finds which part the container runs (from the processes' command lines) and asks it:
// the api and the exporter over HTTP on their own port, the operator and the processor by a
// PING of the RDI database they need. Exit 0 healthy, 1 unhealthy (Docker's contract).

import { readFileSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';

type Part = 'api' | 'operator' | 'exporter' | 'processor';

const ENTRY_FILES: Readonly<Record<string, Part>> = {
  'api/server.ts': 'api',
  'api/operator-main.ts': 'operator',
  'api/exporter-main.ts': 'exporter',
  'processor/main.ts': 'processor',
};

interface Running {
  readonly part: Part;
  readonly args: readonly string[];
}

/** The first process whose command line runs one of the parts' entry files. */
function runningPart(): Running | undefined {
  const pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  pids.sort((a, b) => Number(a) - Number(b));
  for (const pid of pids) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      continue; // gone meanwhile
    }
    for (const [index, arg] of argv.entries()) {
      const entry = Object.keys(ENTRY_FILES).find((file) => arg.endsWith(`/${file}`));
      if (entry !== undefined) {
        return { part: ENTRY_FILES[entry] as Part, args: argv.slice(index + 1) };
      }
    }
  }
  return undefined;
}

function option(args: readonly string[], name: string): string | undefined {
  const { values } = parseArgs({
    args: [...args],
    options: { [name]: { type: 'string' } },
    strict: false,
    allowPositionals: true,
  });
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(4_000) });
  await response.body?.cancel();
  return response.ok;
}

async function rdiAnswers(url: string): Promise<boolean> {
  const rdi = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3_000 });
  rdi.on('error', () => undefined);
  try {
    await rdi.connect();
    await rdi.ping();
    return true;
  } finally {
    rdi.disconnect();
  }
}

async function healthy(running: Running | undefined): Promise<boolean> {
  // A one-off command (the CLI, a shell) has nothing to serve.
  if (running === undefined) return true;
  const rdiUrl =
    option(running.args, 'rdi') ?? process.env.SLUICE_RDI_URL ?? 'redis://127.0.0.1:6379';
  switch (running.part) {
    case 'api':
      return httpOk(`http://127.0.0.1:${process.env.SLUICE_API_PORT ?? '8180'}/api/v2/info`);
    case 'exporter':
      return httpOk(`http://127.0.0.1:${option(running.args, 'port') ?? '9121'}/metrics`);
    case 'operator':
    case 'processor':
      return rdiAnswers(rdiUrl);
  }
}

try {
  process.exitCode = (await healthy(runningPart())) ? 0 : 1;
} catch (error) {
  console.error(`unhealthy: ${String(error)}`);
  process.exitCode = 1;
}
