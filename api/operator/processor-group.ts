// The pipeline's processor as `processors.instances` processes side by side, each with its own
// consumer name and its own share of the change streams (processor/core/stream-shard.ts), followed
// as one supervised child: ready when all are, ended when any ends. The others are then stopped
// politely (each finishes its batch), and the operator restarts the whole group after its
// backoff; every instance, under the same name, first re-reads its own pending entries.

import type { ChildExit } from '../../debezium-config/launch-child-process.ts';
import { WHOLE, type StreamShard } from '../../processor/core/stream-shard.ts';
import type { ChildHandle } from './supervised-child.ts';

export interface ProcessorInstance {
  /** Consumer name in the group: `<operator>-e<epoch>`, with `-p<i>` when there are several. */
  readonly consumer: string;
  readonly shard: StreamShard;
}

/** The instances of one term: names are stable within it, so a restart resumes its entries. */
export function processorInstances(id: string, epoch: number, count: number): ProcessorInstance[] {
  const base = `${id}-e${epoch}`;
  if (count <= 1) return [{ consumer: base, shard: WHOLE }];
  return Array.from({ length: count }, (_, i) => ({
    consumer: `${base}-p${i + 1}`,
    shard: Object.freeze({ index: i + 1, count }),
  }));
}

/** A started group: one ChildHandle for the supervisor, each process's pid for the status. */
export interface ProcessorGroupHandle extends ChildHandle {
  readonly pids: readonly (number | undefined)[];
}

/**
 * Launches every instance. When one cannot start, those already started are killed and the
 * launch fails (the supervisor counts a failure and retries after its backoff).
 */
export async function launchProcessorGroup(
  instances: readonly ProcessorInstance[],
  launch: (instance: ProcessorInstance) => Promise<ChildHandle>,
): Promise<ProcessorGroupHandle> {
  const settled = await Promise.allSettled(instances.map(launch));
  const handles = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(handles.map((handle) => handle.kill()));
    throw failed.reason;
  }
  return groupHandle(handles);
}

function groupHandle(handles: readonly ChildHandle[]): ProcessorGroupHandle {
  const [first] = handles;
  if (first === undefined || handles.length === 1) {
    if (first === undefined) throw new Error('a processor group needs at least one instance');
    return { ...bind(first), pids: [first.pid] };
  }
  const all = (act: (handle: ChildHandle) => Promise<ChildExit>): Promise<ChildExit> =>
    Promise.all(handles.map(act)).then((exits) => exits[0] ?? { code: null, signal: null });
  // The first instance to end ends the group, once the others have stopped: the next start
  // must never overlap a process still reading under the same consumer name.
  const exited = Promise.race(handles.map((handle) => handle.exited)).then(async (exit) => {
    await all((handle) => handle.stop());
    return exit;
  });
  return {
    pid: first.pid,
    pids: handles.map((handle) => handle.pid),
    exited,
    ready: Promise.all(handles.map((handle) => handle.ready)).then(() => undefined),
    stop: () => all((handle) => handle.stop()),
    kill: () => all((handle) => handle.kill()),
  };
}

/** A single handle's members as a plain object (methods keep their receiver). */
function bind(handle: ChildHandle): ChildHandle {
  return {
    pid: handle.pid,
    exited: handle.exited,
    ready: handle.ready,
    stop: () => handle.stop(),
    kill: () => handle.kill(),
  };
}
