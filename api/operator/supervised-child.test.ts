// SupervisedChild with a scripted launcher and a fake clock: consecutive failures, the
// restart delay it logs (capped), the restart count in its report, and what resets them.
import { describe, expect, it } from 'vitest';
import type { ChildExit } from '../../debezium-config/launch-child-process.ts';
import { SupervisedChild, type ChildHandle } from './supervised-child.ts';

interface FakeProcess {
  readonly handle: ChildHandle;
  /** Ends the process on its own, as kill -9 from outside would. */
  crash(): Promise<void>;
}

function fakeProcess(pid: number): FakeProcess {
  let exit: (status: ChildExit) => void = () => undefined;
  const exited = new Promise<ChildExit>((resolve) => {
    exit = resolve;
  });
  const end = async (): Promise<ChildExit> => {
    exit({ code: null, signal: 'SIGTERM' });
    return exited;
  };
  return {
    handle: { pid, exited, ready: Promise.resolve(), stop: end, kill: end },
    crash: async () => {
      exit({ code: null, signal: 'SIGKILL' });
      await exited;
      await Promise.resolve();
    },
  };
}

function setup() {
  let now = 1_000_000;
  const warnings: Record<string, unknown>[] = [];
  const child = new SupervisedChild({
    type: 'processor',
    name: 'processor',
    clock: { now: () => now },
    logger: {
      info: () => undefined,
      warn: (_message, fields) => warnings.push({ ...fields }),
      error: () => undefined,
    },
    stableRunMs: 60_000,
    backoff: { initialMs: 1_000, maxMs: 4_000 },
  });
  let pid = 100;
  const run = async (): Promise<FakeProcess> => {
    const process = fakeProcess(pid++);
    child.start(() => Promise.resolve(process.handle));
    await Promise.resolve();
    await Promise.resolve();
    return process;
  };
  return {
    child,
    warnings,
    run,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('SupervisedChild', () => {
  it('counts consecutive failures and logs a restart delay that doubles up to the cap', async () => {
    const { child, warnings, run, advance } = setup();
    for (let i = 0; i < 4; i++) {
      const process = await run();
      expect(child.state).toBe('running');
      advance(500);
      await process.crash();
      expect(child.state).toBe('exited');
    }
    expect(warnings.map((w) => w.restartInMs)).toEqual([1_000, 2_000, 4_000, 4_000]);
    expect(warnings.map((w) => w.failures)).toEqual([1, 2, 3, 4]);
    expect(child.view()).toEqual({ state: 'exited', failures: 4, exitedAt: 1_002_000 });
    expect(child.report()).toMatchObject({
      state: 'exited',
      restarts: 3,
      message: 'exited with signal SIGKILL',
    });
    await run();
    expect(child.report()).toMatchObject({ state: 'running', restarts: 4, pid: 104 });
  });

  it('starts counting again after a run that lasted', async () => {
    const { child, warnings, run, advance } = setup();
    await (await run()).crash();
    await (await run()).crash();
    const lasting = await run();
    advance(60_000);
    await lasting.crash();
    expect(child.view().failures).toBe(1);
    expect(warnings.at(-1)?.restartInMs).toBe(1_000);
  });

  it('does not count a requested stop as a failure, nor the start after it as a restart', async () => {
    const { child, run } = setup();
    await (await run()).crash();
    expect(child.view().failures).toBe(1);
    await child.stop();
    expect(child.view()).toMatchObject({ state: 'stopped', failures: 0 });
    await run();
    await child.stop();
    await run();
    expect(child.report()).toMatchObject({ state: 'running', restarts: 0 });
    expect(child.report(true).state).toBe('running');
    await child.stop();
    expect(child.report(true).state).toBe('paused');
  });
});
