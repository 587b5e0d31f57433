// Which job handles a change event: the job naming its table (and matching server_name, db and
// schema when given), else the default job (`table: "*"`), else none (RDI's built-in default).
// Names compare case-insensitively unless the job says `case_insensitive: false`.

import type { ChangeEvent } from '../change-event.ts';
import type { CompiledJob } from '../../jobs/compile-job.ts';

/** The `<source>` of a change stream name `data:<source>.<schema>.<table>`. */
export function serverNameOf(stream: string): string {
  const name = stream.startsWith('data:') ? stream.slice(5) : stream;
  const dot = name.indexOf('.');
  return dot === -1 ? name : name.slice(0, dot);
}

function same(wanted: string | undefined, actual: string, caseInsensitive: boolean): boolean {
  if (wanted === undefined) return true;
  return caseInsensitive ? wanted.toLowerCase() === actual.toLowerCase() : wanted === actual;
}

function matches(job: CompiledJob, event: ChangeEvent, serverName: string, table: string): boolean {
  const { source } = job;
  const ci = source.case_insensitive;
  return (
    same(source.table, table, ci) &&
    same(source.server_name, serverName, ci) &&
    same(source.db, event.db, ci) &&
    same(source.schema, event.schema, ci)
  );
}

export function selectJob(
  event: ChangeEvent,
  serverName: string,
  jobs: readonly CompiledJob[],
): CompiledJob | undefined {
  return (
    jobs.find((job) => job.source.table !== '*' && matches(job, event, serverName, event.table)) ??
    jobs.find((job) => job.source.table === '*' && matches(job, event, serverName, '*'))
  );
}
