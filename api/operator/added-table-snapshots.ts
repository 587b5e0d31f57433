// Snapshots of tables added to a running pipeline (docs/operations.md, "Adding a table to a
// running pipeline"). Before each collector start the operator compares the tables it is about
// to capture with those recorded in the RDI database, and writes an `execute-snapshot` signal
// for the added ones into the collector's signal file (Debezium's file channel: nothing to
// create in the source). The tables stay pending, and are signalled again at each start, until
// a collector reports its snapshot completed.

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Redis } from 'ioredis';
import {
  capturedTableIds,
  tableFilters,
  type RelationalKind,
} from '../../debezium-config/render-table-filters.ts';
import { DEBEZIUM_OFFSETS_KEY, pipelineCapturedTablesKey } from '../../pipeline/redis-keys.ts';
import type { Clock, Logger } from '../../processor/ports.ts';
import { addedTables, parseCapturedTables, snapshotSignalLine } from './added-tables.ts';
import type { CollectorProgress } from './pipeline-phase.ts';
import type { PreparedPipeline } from './pipeline-workspace.ts';

/** Connectors whose data-collection ids are `<schema or database>.<table>`. */
const SIGNALLED_KINDS: ReadonlySet<string> = new Set(['postgresql', 'mysql', 'mariadb']);

/** The file Debezium's file channel reads, in the local runtime's collector folder. */
export function collectorSignalFile(pipelineDir: string): string {
  return join(pipelineDir, 'debezium', 'signals.txt');
}

export class AddedTableSnapshots {
  readonly #rdi: Redis;
  readonly #name: string;
  readonly #clock: Clock;
  readonly #logger: Logger;
  /** The tables signalled to the collector that runs now. */
  #awaiting: readonly string[] = [];

  constructor(opts: { rdi: Redis; name: string; clock: Clock; logger: Logger }) {
    this.#rdi = opts.rdi;
    this.#name = opts.name;
    this.#clock = opts.clock;
    this.#logger = opts.logger;
  }

  /**
   * Records the tables this collector captures and, when `tables:` gained some since the last
   * start, writes their snapshot signal (`deliver`: the runtime reads the signal file; the
   * Kubernetes runtime does not, and the user sends the signal, see the docs).
   */
  async beforeCollectorStart(pipeline: PreparedPipeline, deliver: boolean): Promise<void> {
    this.#awaiting = [];
    const kind = pipeline.source.connection.type;
    if (!SIGNALLED_KINDS.has(kind)) return;
    const sourceConfig = pipeline.config.sources[pipeline.source.name];
    if (sourceConfig === undefined) return;
    const tables = capturedTableIds(pipeline.source.name, sourceConfig, kind as RelationalKind);
    const selects = new Map(
      tableFilters(pipeline.source.name, sourceConfig, kind as RelationalKind).snapshotOverrides,
    );
    const key = pipelineCapturedTablesKey(this.#name);
    const [stored, offsets] = await Promise.all([
      this.#rdi.get(key),
      this.#rdi.hlen(DEBEZIUM_OFFSETS_KEY),
    ]);
    const record = addedTables({
      record: parseCapturedTables(stored),
      source: pipeline.source.name,
      tables,
      resumes: offsets > 0,
    });
    // A line an earlier collector of this folder never read asks for nothing pending now.
    if (deliver && record.pending.length === 0)
      await rm(collectorSignalFile(pipeline.dir), { force: true });
    if (record.pending.length > 0) {
      if (deliver) {
        const file = collectorSignalFile(pipeline.dir);
        const id = `sluice-added-tables-${pipeline.revision}-${this.#clock.now()}`;
        await mkdir(dirname(file), { recursive: true, mode: 0o700 });
        await writeFile(file, `${snapshotSignalLine(id, record.pending, selects)}\n`, {
          mode: 0o600,
        });
        this.#awaiting = record.pending;
        this.#logger.info('Tables were added to the pipeline: asking Debezium to snapshot them.', {
          tables: record.pending,
          signal: id,
        });
      } else {
        this.#logger.warn(
          'Tables were added to the pipeline; this runtime cannot signal Debezium: send an execute-snapshot signal for them.',
          { tables: record.pending },
        );
      }
    }
    // Undelivered, they are the user's to signal: warned once, not at every start.
    await this.#rdi.set(key, JSON.stringify(deliver ? record : { ...record, pending: [] }));
  }

  /**
   * Once the collector reports a completed snapshot (the blocking snapshot of the signalled
   * tables, or an initial snapshot that read every table), they are no longer pending.
   */
  async observe(progress: CollectorProgress | undefined): Promise<void> {
    if (this.#awaiting.length === 0) return;
    if (progress?.snapshotCompleted !== true || progress.snapshotRunning) return;
    const done = new Set(this.#awaiting);
    this.#awaiting = [];
    const key = pipelineCapturedTablesKey(this.#name);
    const record = parseCapturedTables(await this.#rdi.get(key));
    if (record === undefined) return;
    const pending = record.pending.filter((table) => !done.has(table));
    await this.#rdi.set(key, JSON.stringify({ ...record, pending }));
    this.#logger.info('The snapshot of the added tables is complete.', { tables: [...done] });
  }

  /** The collector is gone for good (leadership lost, reset): nothing is awaited from it. */
  forget(): void {
    this.#awaiting = [];
  }
}
