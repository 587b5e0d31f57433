// The processor's instances and their group handle, with scripted processes: names and shards
// per term, ready when all are, one instance ending stops the others before the group reports
// its exit, and a failed launch kills those already started.
import { describe, expect, it } from 'vitest';
import type { ChildExit } from '../../debezium-config/launch-child-process.ts';
import { launchProcessorGroup, processorInstances } from './processor-group.ts';
import type { ChildHandle } from './supervised-child.ts';

interface FakeProcess {
  readonly handle: ChildHandle;
  readonly ended: () => ChildExit | undefined;
  crash(): void;
}

function fakeProcess(pid: number): FakeProcess {
  let exit: ChildExit | undefined;
  let resolve: (status: ChildExit) => void = () => undefined;
  const exited = new Promise<ChildExit>((r) => {
    resolve = r;
  });
  const end = (signal: NodeJS.Signals) => (): Promise<ChildExit> => {
    exit ??= { code: null, signal };
    resolve(exit);
    return exited;
  };
  return {
    handle: { pid, exited, ready: Promise.resolve(), stop: end('SIGTERM'), kill: end('SIGKILL') },
    ended: () => exit,
    crash: () => void end('SIGKILL')(),
  };
}

describe('processorInstances', () => {
  it('keeps the single processor as it was: one name per term, every stream', () => {
    expect(processorInstances('op-a', 7, 1)).toEqual([
      { consumer: 'op-a-e7', shard: { index: 1, count: 1 } },
    ]);
  });

  it('gives each of several instances its own name and shard', () => {
    const instances = processorInstances('op-a', 7, 3);
    expect(instances.map((i) => i.consumer)).toEqual(['op-a-e7-p1', 'op-a-e7-p2', 'op-a-e7-p3']);
    expect(instances.map((i) => i.shard)).toEqual([
      { index: 1, count: 3 },
      { index: 2, count: 3 },
      { index: 3, count: 3 },
    ]);
  });
});

describe('launchProcessorGroup', () => {
  it('ends when one instance ends, after stopping the others', async () => {
    const processes = [fakeProcess(11), fakeProcess(12), fakeProcess(13)];
    const instances = processorInstances('op', 1, 3);
    const group = await launchProcessorGroup(instances, (instance) => {
      const process = processes[instance.shard.index - 1];
      if (process === undefined) throw new Error('no such instance');
      return Promise.resolve(process.handle);
    });
    expect(group.pids).toEqual([11, 12, 13]);
    await group.ready;
    processes[1]?.crash();
    expect(await group.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(processes.map((p) => p.ended()?.signal)).toEqual(['SIGTERM', 'SIGKILL', 'SIGTERM']);
  });

  it('stops and kills every instance', async () => {
    const processes = [fakeProcess(1), fakeProcess(2)];
    const group = await launchProcessorGroup(processorInstances('op', 1, 2), (instance) => {
      const process = processes[instance.shard.index - 1];
      if (process === undefined) throw new Error('no such instance');
      return Promise.resolve(process.handle);
    });
    await group.kill();
    expect(processes.map((p) => p.ended()?.signal)).toEqual(['SIGKILL', 'SIGKILL']);
  });

  it('kills the started instances when another cannot start', async () => {
    const started = fakeProcess(1);
    const launch = launchProcessorGroup(processorInstances('op', 1, 2), (instance) =>
      instance.shard.index === 2
        ? Promise.reject(new Error('spawn failed'))
        : Promise.resolve(started.handle),
    );
    await expect(launch).rejects.toThrow('spawn failed');
    expect(started.ended()?.signal).toBe('SIGKILL');
  });
});
