// Caches the API token of a context in <cacheDir>/tokens/<context>.json (folder 0700, file
// 0600) until shortly before it expires, so commands in a row do not ask for the password.
// Passwords are never written anywhere.

import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliIo } from './cli-io.ts';
import type { Target } from './contexts.ts';

/** A cached token is not used in its last 30 s: a command may run a while. */
const MARGIN_SECONDS = 30;

interface CachedToken {
  readonly url: string;
  readonly username: string;
  readonly token: string;
  /** Seconds since the epoch. */
  readonly expires_at: number;
}

function file(io: CliIo, target: Target): string {
  return join(io.cacheDir, 'tokens', `${target.name.replace(/[^\w.-]/g, '_')}.json`);
}

export async function cachedToken(io: CliIo, target: Target): Promise<string | undefined> {
  try {
    const cached = JSON.parse(await readFile(file(io, target), 'utf8')) as CachedToken;
    const fresh = cached.expires_at - MARGIN_SECONDS > io.now() / 1000;
    const same = cached.url === target.context.url && cached.username === target.context.username;
    return fresh && same ? cached.token : undefined;
  } catch {
    return undefined;
  }
}

export async function storeToken(
  io: CliIo,
  target: Target,
  token: string,
  expiresAt: number,
): Promise<void> {
  const dir = join(io.cacheDir, 'tokens');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const cached: CachedToken = {
    url: target.context.url,
    username: target.context.username,
    token,
    expires_at: expiresAt,
  };
  const path = file(io, target);
  await writeFile(path, JSON.stringify(cached), { mode: 0o600 });
  // writeFile keeps the mode of an existing file: make sure it is private.
  await chmod(path, 0o600);
}

export async function forgetToken(io: CliIo, target: Target): Promise<void> {
  await rm(file(io, target), { force: true });
}
