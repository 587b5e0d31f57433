// The common head of every end-to-end benchmark's Markdown section (command, date, commit, code
// fingerprint, machine, load average) and the step that prints the section and appends it to
// bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import { appendFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { codeFingerprint } from '../code-fingerprint.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const RESULTS = join(ROOT, 'bench', 'RESULTS.md');

export interface Fingerprint {
  readonly date: string;
  readonly commit: string;
  readonly code: string;
  readonly machine: string;
  readonly load: string;
  readonly versions: string;
}

export const formatLoad = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

export async function fingerprint(postgresVersion: string): Promise<Fingerprint> {
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  const dirty = git(
    'status',
    '--porcelain',
    '--',
    'processor',
    'pipeline',
    'common',
    'debezium-config',
  );
  const redis = execFileSync('redis-server', ['--version'], { encoding: 'utf8' });
  return {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    commit: git('rev-parse', '--short', 'HEAD') + (dirty === '' ? '' : ' + uncommitted changes'),
    code: await codeFingerprint(),
    machine: `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GB RAM`,
    load: formatLoad(),
    versions: `Node ${process.version}, Redis ${/v=(\S+)/.exec(redis)?.[1] ?? '?'}, PostgreSQL ${postgresVersion}, Debezium Server 3.6.1.Final`,
  };
}

export function sectionHead(title: string, command: string, fp: Fingerprint): string[] {
  return [
    `### ${title} — ${fp.date}`,
    '',
    `- Command: \`${command}\``,
    `- Commit \`${fp.commit}\`, processor source fingerprint \`${fp.code}\` (bench/code-fingerprint.ts)`,
    `- Machine: ${fp.machine}; load average (1/5/15 min) at the start ${fp.load}`,
    `- ${fp.versions}`,
  ];
}

/** Prints the section; appends it to bench/RESULTS.md unless `record` is false. */
export async function publish(lines: readonly string[], record: boolean): Promise<void> {
  const text = `${lines.join('\n')}\n`;
  console.log(text);
  if (record) await appendFile(RESULTS, `\n${text}`);
}

export const int = (n: number): string =>
  Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—';

export const log = (name: string, message: string): void => {
  console.error(`[${name} ${new Date().toISOString().slice(11, 19)}] ${message}`);
};
