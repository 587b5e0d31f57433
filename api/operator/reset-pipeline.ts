// Carries out a reset once both children are stopped: drops Debezium's offsets and schema
// history, the pipeline's change streams (with their consumer group) and statistics, the
// streams' checkpoints and row indexes in every target, optionally the target keys of the pipeline's tables
// (in every target), and the PostgreSQL replication slot. The next start then snapshots
// every table again.

import type { Redis } from 'ioredis';
import {
  CHECKPOINT_KEY,
  DEBEZIUM_OFFSETS_KEY,
  DEBEZIUM_SCHEMA_HISTORY_KEY,
  rowIndexKey,
  STREAM_PREFIX,
  statsKey,
} from '../../pipeline/redis-keys.ts';
import type { Logger } from '../../processor/ports.ts';
import type { PreparedPipeline } from './pipeline-workspace.ts';
import { dropSlot } from './replication-slot.ts';
import type { ResetTarget } from './reset-targets.ts';
import { globEscape, scanKeys } from '../../common/redis-scan.ts';

export interface ResetOptions {
  readonly rdi: Redis;
  readonly targets: readonly ResetTarget[];
  readonly pipeline: PreparedPipeline;
  /** Also delete `<table>:*` keys of the source's tables in every target. */
  readonly dropTargetKeys: boolean;
  readonly logger: Logger;
}

export interface ResetSummary {
  /** The targets whose checkpoints (and, if asked, keys) were cleared. */
  readonly targets: readonly string[];
  /** Debezium's offsets and schema history keys that existed (PostgreSQL has no history). */
  readonly offsetKeys: number;
  readonly streams: number;
  readonly checkpoints: number;
  readonly targetKeys: number;
  readonly slotDropped: boolean;
}

export async function resetPipeline(opts: ResetOptions): Promise<ResetSummary> {
  const { rdi, targets, pipeline } = opts;
  const prefix = `${STREAM_PREFIX}${pipeline.source.name}.`;
  const streams = await scanKeys(rdi, `${globEscape(prefix)}*`);
  const offsetKeys = await rdi.del(DEBEZIUM_OFFSETS_KEY, DEBEZIUM_SCHEMA_HISTORY_KEY);
  for (const stream of streams) await rdi.unlink(stream, statsKey(stream));

  let checkpoints = 0;
  let targetKeys = 0;
  const tables = Object.keys(pipeline.config.sources[pipeline.source.name]?.tables ?? {});
  for (const target of targets) {
    const fields = (await target.client.hkeys(CHECKPOINT_KEY)).filter((f) => f.startsWith(prefix));
    if (fields.length > 0) await target.client.hdel(CHECKPOINT_KEY, ...fields);
    checkpoints += fields.length;
    // The row index describes what the old snapshot placed: it goes with the checkpoints.
    for (const stream of new Set([...fields, ...streams])) {
      await target.client.unlink(rowIndexKey(stream));
    }
    if (!opts.dropTargetKeys) continue;
    for (const table of tables) {
      const bare = table.split('.').pop() ?? table;
      for (const node of target.nodes()) {
        for (const key of await scanKeys(node, `${globEscape(bare)}:*`)) {
          targetKeys += await node.unlink(key);
        }
      }
    }
  }
  const slotDropped =
    pipeline.source.connection.type === 'postgresql'
      ? await dropSlot(pipeline.source.connection, pipeline.slotName)
      : false;
  const summary = {
    targets: targets.map((t) => t.name),
    offsetKeys,
    streams: streams.length,
    checkpoints,
    targetKeys,
    slotDropped,
  };
  opts.logger.info('Pipeline reset: the next start snapshots again.', { ...summary });
  return summary;
}
