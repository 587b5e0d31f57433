// The consume runner on fakes: an in-memory change source, in-memory targets and a fake
// clock whose sleeps advance time at once. Real Redis: consumer.integration.test.ts.
import { describe, expect, it } from 'vitest';
import { SluiceError } from '../common/errors.ts';
import type { AcknowledgeInput } from './acknowledge-batch.ts';
import type { ApplyResult, BatchToApply } from './apply-batch.ts';
import type { RunnerSettings, Timer } from './consume-runner.ts';
import { ConsumeRunner } from './consume-runner.ts';
import { planDefaultJob } from './core/default-job.ts';
import type { AsyncJob } from './core/process-entries.ts';
import type { StreamEntry } from './core/stream-entry.ts';
import { toStreamEntry } from './core/stream-entry.ts';
import type { ChangeSource, StreamRead } from './stream-source.ts';
import type { ResourceReport } from '../pipeline/records/processor-stats.ts';
import { TargetSet } from './target-set.ts';
import type { TargetWriter } from './target-writer.ts';
import { quietLogger } from './testing/fast-settings.ts';

const STREAM = 'data:shop.public.people';

const settings: RunnerSettings = {
  consumerName: 'p1',
  epoch: 1,
  jobName: 'default',
  streamsCheckIntervalMs: 1000,
  errorHandling: 'dlq',
  dlqMaxMessages: 100,
  retryInitialDelayMs: 100,
  retryMaxDelayMs: 1000,
  backpressureCheckIntervalMs: 5000,
};

function entry(seq: number, name: string): StreamEntry {
  const value = JSON.stringify({
    before: null,
    after: { id: seq, name },
    op: 'c',
    source: { db: 'shop', schema: 'public', table: 'people', snapshot: 'false' },
  });
  return toStreamEntry(`${seq}-0`, ['key', JSON.stringify({ id: seq }), 'value', value]);
}

/** Time that moves only when the runner sleeps (or a fake read blocks). */
class FakeClock implements Timer {
  time = 1_000_000;
  readonly sleeps: number[] = [];
  now = (): number => this.time;
  elapsed = (): number => this.time;
  async sleep(ms: number, signal: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (!signal.aborted) this.time += ms;
    // Yield to the event loop, so that a test awaiting a condition gets to run.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A change stream in memory: new entries, this consumer's pending ones, acknowledgements. */
class FakeSource implements ChangeSource {
  readonly fresh: StreamEntry[] = [];
  pending: StreamEntry[] = [];
  readonly acknowledged: AcknowledgeInput[] = [];
  readonly reports: ResourceReport[] = [];
  readonly reads: string[] = [];
  listCalls = 0;
  failNextRead = false;
  /** Most entries one read of new entries brings. */
  perRead = Number.POSITIVE_INFINITY;
  readonly #clock: FakeClock;
  readonly #streams: readonly string[];
  constructor(clock: FakeClock, streams: readonly string[] = [STREAM]) {
    this.#clock = clock;
    this.#streams = streams;
  }
  listStreams(): Promise<string[]> {
    this.listCalls += 1;
    return Promise.resolve([...this.#streams]);
  }
  join(): Promise<number> {
    return Promise.resolve(this.pending.length);
  }
  readPending(stream: string): Promise<readonly StreamEntry[]> {
    this.reads.push(`pending ${stream}`);
    return Promise.resolve([...this.pending]);
  }
  async readNew(streams: readonly string[]): Promise<readonly StreamRead[] | null> {
    this.reads.push(`new ${streams.join(',')}`);
    if (this.failNextRead) {
      this.failNextRead = false;
      throw new Error('connection reset');
    }
    const [stream] = streams;
    if (this.fresh.length === 0 || stream === undefined) {
      // A blocking read that times out.
      this.#clock.time += 50;
      await new Promise((resolve) => setImmediate(resolve));
      return null;
    }
    const taken = this.fresh.splice(0, this.perRead);
    this.pending.push(...taken);
    return [{ stream, entries: taken }];
  }
  dropPrefetch(): Promise<void> {
    return Promise.resolve();
  }
  acknowledge(input: AcknowledgeInput): Promise<void> {
    this.acknowledged.push(input);
    const ids = new Set(input.entries.map((e) => e.id));
    this.pending = this.pending.filter((e) => !ids.has(e.id));
    return Promise.resolve();
  }
  reportResources(report: ResourceReport): Promise<void> {
    this.reports.push(report);
    return Promise.resolve();
  }
}

/** A target in memory; `failures` transient faults first, or FENCED. */
class FakeTarget implements TargetWriter {
  readonly name = 'target';
  readonly mode = 'standalone' as const;
  readonly applied: BatchToApply[] = [];
  failures: number;
  readonly #fenced: boolean;
  constructor(failures = 0, fenced = false) {
    this.failures = failures;
    this.#fenced = fenced;
  }
  apply(batch: BatchToApply): Promise<ApplyResult> {
    if (this.#fenced) return Promise.reject(new SluiceError('FENCED', 'a newer epoch wrote'));
    if (this.failures > 0) {
      this.failures -= 1;
      return Promise.reject(new SluiceError('TARGET_UNAVAILABLE', 'connection refused'));
    }
    this.applied.push(batch);
    return Promise.resolve({ applied: true, opCount: batch.ops.length, rejected: [] });
  }
  readCheckpoints(): Promise<Map<string, string>> {
    return Promise.resolve(new Map<string, string>());
  }
  lookup(): Promise<unknown> {
    return Promise.resolve(null);
  }
}

function runner(
  clock: FakeClock,
  source: FakeSource,
  target: FakeTarget,
  job: AsyncJob = planDefaultJob,
) {
  const checks: boolean[] = [];
  const run = new ConsumeRunner({
    source,
    targets: new TargetSet([target]),
    backpressure: {
      check: (_streams, targetDown) => {
        checks.push(targetDown);
        return Promise.resolve();
      },
    },
    job,
    clock,
    timer: clock,
    logger: quietLogger,
    settings,
    memoryUsage: () => ({ rss: 100, heapUsed: 50 }),
  });
  return { run, checks };
}

/** A target whose first write waits until `release()`: a write still under way. */
class HeldTarget extends FakeTarget {
  calls = 0;
  #release: () => void = () => undefined;
  readonly #held = new Promise<void>((resolve) => {
    this.#release = resolve;
  });
  release(): void {
    this.#release();
  }
  override async apply(batch: BatchToApply): Promise<ApplyResult> {
    this.calls += 1;
    if (this.calls === 1) await this.#held;
    return super.apply(batch);
  }
}

/** The default job, recording the row ids it planned. */
function recordingJob(planned: number[], readsTarget: boolean): AsyncJob {
  return Object.assign(
    (event: Parameters<typeof planDefaultJob>[0]) => {
      planned.push(Number(event.key.id));
      return planDefaultJob(event);
    },
    { readsTarget },
  );
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !condition(); i += 1) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(condition()).toBe(true);
}

describe('ConsumeRunner', () => {
  it('re-reads its pending entries before new ones, and acknowledges only after the write', async () => {
    const clock = new FakeClock();
    const source = new FakeSource(clock);
    source.pending.push(entry(1, 'Ada'));
    source.fresh.push(entry(2, 'Bob'), entry(3, 'Cy'));
    const target = new FakeTarget();
    const { run } = runner(clock, source, target);
    void run.start();
    await until(() => source.acknowledged.length === 2);
    await run.stop();
    expect(run.state).toBe('stopped');
    expect(source.reads.slice(0, 3)).toEqual([
      `pending ${STREAM}`,
      `pending ${STREAM}`,
      `new ${STREAM}`,
    ]);
    expect(target.applied.map((b) => [b.firstId, b.lastId])).toEqual([
      ['1-0', '1-0'],
      ['2-0', '3-0'],
    ]);
    expect(source.acknowledged.map((a) => a.entries.map((e) => e.id))).toEqual([
      ['1-0'],
      ['2-0', '3-0'],
    ]);
    expect(source.acknowledged[1]?.processed.counts.inserted).toBe(2);
    // Stamped with the injected clock (no time had passed yet: reads of entries do not block).
    expect(source.acknowledged[1]?.now).toBe(1_000_000);
  });

  /** Two entries read one at a time, a held target, and a job recording what it planned. */
  function twoReadsHeld(readsTarget: boolean) {
    const clock = new FakeClock();
    const source = new FakeSource(clock);
    source.fresh.push(entry(1, 'Ada'), entry(2, 'Bob'));
    source.perRead = 1;
    const target = new HeldTarget();
    const planned: number[] = [];
    const { run } = runner(clock, source, target, recordingJob(planned, readsTarget));
    void run.start();
    return { source, target, planned, run };
  }

  async function yieldTurns(count: number): Promise<void> {
    for (let i = 0; i < count; i += 1) await new Promise((resolve) => setImmediate(resolve));
  }

  it('plans the next read while the previous one is written, and writes it only once that one is acknowledged', async () => {
    const { source, target, planned, run } = twoReadsHeld(false);
    await until(() => target.calls === 1 && planned.includes(2));
    // Planned ahead, but neither written nor acknowledged while the first write is held.
    await yieldTurns(50);
    expect(target.calls).toBe(1);
    expect(source.acknowledged).toHaveLength(0);
    target.release();
    await until(() => source.acknowledged.length === 2);
    await run.stop();
    expect(target.applied.map((b) => b.firstId)).toEqual(['1-0', '2-0']);
    expect(source.acknowledged.map((a) => a.entries.map((e) => e.id))).toEqual([['1-0'], ['2-0']]);
    // Planned once each: the plan made ahead served the write.
    expect(planned).toEqual([1, 2]);
  });

  it('does not plan ahead for a job that reads the target (redis.lookup)', async () => {
    const { source, target, planned, run } = twoReadsHeld(true);
    await until(() => target.calls === 1);
    await yieldTurns(200);
    expect(planned).toEqual([1]);
    target.release();
    await until(() => source.acknowledged.length === 2);
    await run.stop();
    expect(planned).toEqual([1, 2]);
  });

  it('stopping finishes the write under way', async () => {
    const clock = new FakeClock();
    const source = new FakeSource(clock);
    source.fresh.push(entry(1, 'Ada'));
    const target = new HeldTarget();
    const { run } = runner(clock, source, target);
    void run.start();
    await until(() => target.calls === 1);
    const stopped = run.stop();
    target.release();
    await stopped;
    expect(run.state).toBe('stopped');
    expect(source.acknowledged.map((a) => a.entries.map((e) => e.id))).toEqual([['1-0']]);
  });

  it('retries a failing target with exponential backoff on its clock, flagging backpressure', async () => {
    const clock = new FakeClock();
    const source = new FakeSource(clock);
    source.fresh.push(entry(1, 'Ada'));
    const target = new FakeTarget(5);
    const { run, checks } = runner(clock, source, target);
    void run.start();
    await until(() => source.acknowledged.length === 1);
    await run.stop();
    expect(clock.sleeps.slice(0, 5)).toEqual([100, 200, 400, 800, 1000]);
    expect(target.applied).toHaveLength(1);
    // Raised at each failure; the next step's check sees the target back.
    expect(checks.filter((down) => down)).toHaveLength(5);
    expect(checks.at(-1)).toBe(false);
  });

  it('after a failed step backs off, then re-reads the pending entries the failure left', async () => {
    const clock = new FakeClock();
    const source = new FakeSource(clock);
    source.fresh.push(entry(1, 'Ada'));
    const target = new FakeTarget();
    const { run } = runner(clock, source, target);
    source.failNextRead = true;
    void run.start();
    await until(() => source.acknowledged.length === 1);
    await run.stop();
    expect(clock.sleeps[0]).toBe(100);
    const afterFailure = source.reads.indexOf(`new ${STREAM}`) + 1;
    expect(source.reads[afterFailure]).toBe(`pending ${STREAM}`);
  });

  it('stops for good, failed, when fenced off', async () => {
    const clock = new FakeClock();
    const source = new FakeSource(clock);
    source.fresh.push(entry(1, 'Ada'));
    const { run } = runner(clock, source, new FakeTarget(0, true));
    await run.start();
    expect(run.state).toBe('failed');
    expect(source.acknowledged).toHaveLength(0);
    expect(String(run.failure)).toContain('a newer epoch wrote');
  });

  it('looks for new streams and reports memory only once per interval of its clock', async () => {
    const clock = new FakeClock();
    const source = new FakeSource(clock);
    const { run } = runner(clock, source, new FakeTarget());
    const started = clock.time;
    void run.start();
    // Each idle read blocks 50 ms of fake time.
    await until(() => clock.time - started >= 10_500);
    await run.stop();
    const elapsed = clock.time - started;
    // At the start and then once per interval (the last one may not have come round yet).
    expect(source.listCalls).toBeGreaterThanOrEqual(Math.floor(elapsed / 1000));
    expect(source.listCalls).toBeLessThanOrEqual(Math.floor(elapsed / 1000) + 1);
    expect(source.reports.length).toBeGreaterThanOrEqual(Math.floor(elapsed / 5000));
    expect(source.reports.length).toBeLessThanOrEqual(Math.floor(elapsed / 5000) + 1);
    expect(source.reports[0]).toEqual({
      rssBytes: 100,
      heapUsedBytes: 50,
      at: started,
      consumer: 'p1',
    });
  });
});
