// Runs the seeded workload in small steps in the background while a test breaks things, until
// stop() is called, which resolves with the number of changes committed.
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { Workload } from './workload.ts';

export interface BackgroundWorkload {
  stop(): Promise<number>;
}

export function workloadUntilStopped(workload: Workload, db: pg.Client): BackgroundWorkload {
  const state = { stopping: false };
  let changes = 0;
  const running = (async () => {
    while (!state.stopping) {
      await workload.run(db, { changes: 40, perTransaction: 10 });
      changes += 40;
      await sleep(40);
    }
  })();
  return {
    stop: async () => {
      state.stopping = true;
      await running;
      return changes;
    },
  };
}
