// At each deploy (a new revision of the pipeline), before Debezium writes anything: estimates
// the entry size of every captured table from its columns (entry-size-estimate.ts) and warns
// when the RDI database's maxmemory is too small for Debezium's sink memory rule — the stall
// that would otherwise be seen only once capture has stopped. A warning in the status and the
// log; the pipeline still starts (the estimate may be pessimistic, and the user may raise
// maxmemory meanwhile).

import type { Redis } from 'ioredis';
import type { Clock, Logger } from '../../processor/ports.ts';
import { introspectSource } from '../sources/introspect-source.ts';
import type { SourceTable } from '../sources/source-schema.ts';
import { estimatedEntryBytes } from './entry-size-estimate.ts';
import type { PreparedPipeline } from './pipeline-workspace.ts';
import { neededMaxMemoryMb, sinkWouldRefuse } from './sink-memory-stall.ts';
import { sinkFillRate } from './sink-memory-watch.ts';
import type { StatusError } from './status-report.ts';

export const MAXMEMORY_TOO_SMALL = 'RDI_MAXMEMORY_TOO_SMALL';

const INTROSPECTION_TIMEOUT_MS = 10_000;

function infoField(info: string, name: string): number {
  const match = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}

/** The warning for the widest captured table, or undefined when maxmemory suffices. Pure. */
export function maxMemoryWarning(input: {
  readonly usedMemory: number;
  readonly maxMemory: number;
  readonly fillRate: number;
  /** Estimated entry bytes per captured table. */
  readonly tables: readonly { readonly table: string; readonly bytes: number }[];
}): StatusError | undefined {
  const widest = input.tables.reduce<{ table: string; bytes: number } | undefined>(
    (best, t) => (best === undefined || t.bytes > best.bytes ? t : best),
    undefined,
  );
  if (widest === undefined || !sinkWouldRefuse(input, widest.bytes)) return undefined;
  const needed = neededMaxMemoryMb(input.usedMemory, widest.bytes, input.fillRate);
  const mb = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return {
    code: MAXMEMORY_TOO_SMALL,
    message: `The RDI database's maxmemory (${mb(input.maxMemory)}, ${mb(input.usedMemory)} used) is too small for entries of ${widest.table} (estimated ${widest.bytes.toLocaleString('en-US')} B from its columns): Debezium's Redis sink refuses to write while used_memory + ${input.fillRate.toLocaleString('en-US')} × the entry size ≥ maxmemory, so capture would stall.`,
    remediation: `raise the RDI database's maxmemory to at least ${needed} MB, or capture fewer or narrower columns of ${widest.table}`,
  };
}

/** Tables the pipeline captures among the introspected ones (all of them when none are listed). */
function capturedTables(
  pipeline: PreparedPipeline,
  namespaces: readonly { name: string; tables: readonly SourceTable[] }[],
): { name: string; table: SourceTable }[] {
  const listed = Object.keys(pipeline.config.sources[pipeline.source.name]?.tables ?? {});
  const all = namespaces.flatMap((ns) =>
    ns.tables.map((table) => ({ name: `${ns.name}.${table.name}`, table })),
  );
  if (listed.length === 0) return all;
  return all.filter(({ name, table }) => listed.includes(name) || listed.includes(table.name));
}

/** Between two readings of INFO memory. */
const RECHECK_MS = 5_000;

export class MaxMemoryCheck {
  readonly #rdi: Redis;
  readonly #clock: Clock;
  readonly #logger: Logger;
  #revision: string | undefined;
  #estimating = false;
  /** Estimated entry bytes per captured table of the current revision. */
  #tables: { table: string; bytes: number }[] = [];
  #nextCheck = 0;
  #warning: StatusError | undefined;

  constructor(opts: { rdi: Redis; clock: Clock; logger: Logger }) {
    this.#rdi = opts.rdi;
    this.#clock = opts.clock;
    this.#logger = opts.logger;
  }

  get warning(): StatusError | undefined {
    return this.#warning;
  }

  /**
   * Estimates the captured tables' entries once per revision, in the background (it connects
   * to the source), then compares them with the RDI database's memory every few seconds, so
   * that the warning goes once maxmemory is raised.
   */
  async observe(pipeline: PreparedPipeline | undefined): Promise<void> {
    if (pipeline === undefined) return;
    const revision = `${pipeline.name}@${String(pipeline.revision)}`;
    if (revision !== this.#revision && !this.#estimating) {
      this.#revision = revision;
      this.#estimating = true;
      this.#tables = [];
      this.#estimate(pipeline)
        .then((tables) => {
          this.#tables = tables;
          this.#nextCheck = 0;
        })
        .catch((error: unknown) => {
          this.#logger.info('Could not estimate entry sizes for the maxmemory check.', {
            error: error instanceof Error ? error.message : String(error),
          });
        })
        .finally(() => {
          this.#estimating = false;
        });
    }
    const now = this.#clock.now();
    if (this.#tables.length === 0 || now < this.#nextCheck) return;
    this.#nextCheck = now + RECHECK_MS;
    const info = await this.#rdi.info('memory');
    const warning = maxMemoryWarning({
      usedMemory: infoField(info, 'used_memory'),
      maxMemory: infoField(info, 'maxmemory'),
      fillRate: sinkFillRate(pipeline),
      tables: this.#tables,
    });
    if (warning !== undefined && this.#warning === undefined) {
      this.#logger.warn(warning.message, { code: warning.code, remediation: warning.remediation });
    }
    this.#warning = warning;
  }

  async #estimate(pipeline: PreparedPipeline): Promise<{ table: string; bytes: number }[]> {
    const source = pipeline.config.sources[pipeline.source.name];
    const connection = pipeline.source.connection;
    if (
      connection.type !== 'postgresql' &&
      connection.type !== 'mysql' &&
      connection.type !== 'mariadb'
    ) {
      return [];
    }
    const namespaces =
      connection.type === 'postgresql'
        ? (source?.schemas ?? ['public'])
        : (source?.databases ?? (connection.database === undefined ? [] : [connection.database]));
    const introspection = await introspectSource(connection, namespaces, {
      timeoutMs: INTROSPECTION_TIMEOUT_MS,
      path: `sources.${pipeline.source.name}.connection`,
    });
    return capturedTables(pipeline, introspection.schemas).map(({ name, table }) => ({
      table: name,
      bytes: estimatedEntryBytes(table, `data:${pipeline.source.name}.${name}`),
    }));
  }
}
