// Where the benchmark keeps its captured entries: a cache folder outside the repository
// (`${SLUICE_CACHE:-$HOME/.cache/sluice}/bench`), shared by the capture script and the runner.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function benchCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const root = env['SLUICE_CACHE'] ?? join(homedir(), '.cache', 'sluice');
  return join(root, 'bench');
}

/** The captured entries, one JSON object per line, gzip-compressed. */
export function entriesFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(benchCacheDir(env), 'entries-200k.jsonl.gz');
}

/** Facts about the capture (mix, versions, date), written beside the entries. */
export function entriesMetaFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(benchCacheDir(env), 'entries-200k.meta.json');
}
