// Contexts: named API endpoints with the user name to log in as, in
// <configDir>/contexts.yaml. The file never holds a password or a token.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { SluiceError } from '../common/errors.ts';
import type { CliIo } from './cli-io.ts';

export interface Context {
  readonly url: string;
  readonly username: string;
  /** Pipeline the commands act on; default `default`. */
  readonly pipeline?: string;
}

export interface ContextFile {
  readonly current?: string;
  readonly contexts: Readonly<Record<string, Context>>;
}

function path(io: CliIo): string {
  return join(io.configDir, 'contexts.yaml');
}

export async function readContexts(io: CliIo): Promise<ContextFile> {
  let text: string;
  try {
    text = await readFile(path(io), 'utf8');
  } catch {
    return { contexts: {} };
  }
  const value = parse(text) as Partial<ContextFile> | null;
  if (value === null || typeof value !== 'object') return { contexts: {} };
  return {
    ...(typeof value.current === 'string' ? { current: value.current } : {}),
    contexts: typeof value.contexts === 'object' ? value.contexts : {},
  };
}

export async function writeContexts(io: CliIo, file: ContextFile): Promise<void> {
  await mkdir(io.configDir, { recursive: true, mode: 0o700 });
  await writeFile(path(io), stringify(file), { mode: 0o600 });
}

export interface Target {
  readonly name: string;
  readonly context: Context;
}

/** The context to use: `--context`, else the current one; `--url`/`--username` override it. */
export async function resolveTarget(
  io: CliIo,
  options: { context?: string; url?: string; username?: string },
): Promise<Target> {
  const file = await readContexts(io);
  const name = options.context ?? io.env.SLUICE_CONTEXT ?? file.current;
  const stored = name === undefined ? undefined : file.contexts[name];
  if (name !== undefined && stored === undefined && options.context !== undefined) {
    throw new SluiceError('FILE_NOT_FOUND', `There is no context named '${name}'.`, {
      hint: 'list them with `sluice context list`',
    });
  }
  const url = options.url ?? stored?.url ?? io.env.SLUICE_API_URL;
  const username = options.username ?? stored?.username ?? io.env.SLUICE_USERNAME;
  if (url === undefined || username === undefined) {
    throw new SluiceError('CONFIG_INVALID', 'No API to talk to.', {
      hint: 'add one with `sluice context add <name> <api url> <user>`',
    });
  }
  return {
    name: name ?? 'adhoc',
    context: {
      url,
      username,
      ...(stored?.pipeline === undefined ? {} : { pipeline: stored.pipeline }),
    },
  };
}
