// Where the benchmark keeps its captured entries: a cache folder outside the repository
// (`${SLUICE_CACHE:-$HOME/.cache/sluice}/bench`), shared by the capture script and the runner.
// The file name carries the entry format (bench/entries-format.ts), so entries captured with an
// older Debezium rendering are never replayed by mistake; `SLUICE_BENCH_ENTRIES=<path>` replays a
// given file instead (e.g. the schema-ful `entries-200k.jsonl.gz` captured before compact entries).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { entryFormatKey } from './entries-format.ts';

export function benchCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const root = env['SLUICE_CACHE'] ?? join(homedir(), '.cache', 'sluice');
  return join(root, 'bench');
}

/** The captured entries, one JSON object per line, gzip-compressed. */
export function entriesFile(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env['SLUICE_BENCH_ENTRIES'];
  if (chosen !== undefined && chosen !== '') return chosen;
  return join(benchCacheDir(env), `entries-200k-${entryFormatKey()}.jsonl.gz`);
}

/** Facts about the capture (mix, versions, date, format), written beside the entries. */
export function entriesMetaFile(env: NodeJS.ProcessEnv = process.env): string {
  return entriesFile(env).replace(/(\.jsonl)?(\.gz)?$/, '.meta.json');
}
