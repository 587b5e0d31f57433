// Trace: captures the next N entries of a pipeline's change streams without consuming them
// and shows what the pipeline's jobs make of each (input, transformed record, commands).

import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import type { Redis } from 'ioredis';
import { SluiceError } from '../../common/errors.ts';
import type { ProcessorsConfig } from '../../pipeline/load-config.ts';
import { bearerSecurity } from '../auth/require-token.ts';
import type { ApiDeps } from '../deps.ts';
import { BODY_LIMITS } from '../http/server-limits.ts';
import { ProblemsError } from '../http/problems-error.ts';
import { ExpressionPool } from '../jobs/expression-pool.ts';
import { outputDefaultsOf } from '../jobs/pipeline-jobs.ts';
import { PipelineParams } from '../schemas/common.ts';
import { ErrorBody, errorResponses } from '../schemas/error-body.ts';
import { TraceBody, TraceResult } from '../schemas/trace.ts';
import { pipelineStreams, sourceNames } from '../status/pipeline-streams.ts';
import { readPipeline } from '../store/pipeline-store.ts';
import { readSecretValues } from '../store/secret-store.ts';
import { secretRedactor } from '../secrets/redact-secrets.ts';
import { captureEntries } from '../trace/capture-entries.ts';

/** Longest wait of a trace (`timeout_ms`'s maximum), unless the api is given a shorter one. */
const MAX_WAIT_MS = 120_000;

/** Traces that may run at once (each holds an RDI database connection for its whole wait). */
export const DEFAULT_MAX_TRACES = 4;

export function traceRoutes(deps: ApiDeps): FastifyPluginCallbackTypebox {
  const { rdi } = deps;
  const maxTraces = deps.maxConcurrentTraces ?? DEFAULT_MAX_TRACES;
  let running = 0;
  // Rendering runs the stored jobs' expressions: in a worker, with a deadline and a heap cap.
  const pool = new ExpressionPool({ workers: 1 });
  return (app, _options, done) => {
    app.addHook('onClose', () => pool.close());
    app.post(
      '/api/v2/pipelines/:name/trace',
      {
        bodyLimit: BODY_LIMITS.small,
        schema: {
          tags: ['pipelines'],
          security: bearerSecurity,
          summary: 'Capture the next entries of the change streams and show what the jobs do',
          description:
            'Reads with XREAD from the current end of each stream: nothing is consumed, ' +
            'acknowledged or written. Waits until `count` entries arrived or `timeout_ms` passed.',
          params: PipelineParams,
          body: TraceBody,
          response: {
            200: TraceResult,
            ...errorResponses,
            422: ErrorBody,
            429: ErrorBody,
            504: ErrorBody,
          },
        },
      },
      async (request) => {
        if (running >= maxTraces) {
          throw new SluiceError(
            'TRACE_LIMIT_REACHED',
            `${String(maxTraces)} traces are running already; try again when one has ended.`,
            { retryAfterSeconds: 5 },
          );
        }
        running += 1;
        try {
          return await trace(request.params.name, request.body);
        } finally {
          running -= 1;
        }
      },
    );
    done();
  };

  /**
   * The stored pipeline's processors settings, after its config and jobs are checked in the
   * worker (thousands of jobs cost CPU the event loop must not spend): a pipeline that no
   * longer loads is refused.
   */
  async function checkStored(
    stored: { config: string; jobs: Readonly<Record<string, string>> },
    secrets: Readonly<Record<string, string>>,
  ): Promise<ProcessorsConfig> {
    const checked = await pool.run('check-pipeline', {
      config: stored.config,
      jobs: stored.jobs,
      secrets,
    });
    if (checked.config === undefined) {
      throw new SluiceError('CONFIG_INVALID', 'The stored config.yaml is no longer valid.', {
        hint: 'redeploy the pipeline (a secret it references may have been deleted)',
      });
    }
    if (checked.problems.length > 0) {
      const redact = secretRedactor(Object.values(secrets));
      const problems = checked.problems.map((problem) => ({
        ...problem,
        message: redact(problem.message),
      }));
      throw new ProblemsError('JOB_INVALID', 'A stored job is no longer valid.', problems);
    }
    return checked.config.processors;
  }

  async function trace(
    name: string,
    body: { count?: number; timeout_ms?: number },
  ): Promise<Static<typeof TraceResult>> {
    const count = body.count ?? 10;
    const timeoutMs = Math.min(body.timeout_ms ?? 10_000, deps.maxTraceWaitMs ?? MAX_WAIT_MS);
    const stored = await readPipeline(rdi, name);
    const secrets = await readSecretValues(rdi);
    const sources = sourceNames(stored.config);
    const watched = new Set<string>();
    const streams = async (): Promise<string[]> => {
      const found = await existingStreams(rdi, await pipelineStreams(rdi, sources));
      for (const stream of found) watched.add(stream);
      return found;
    };
    // The capture starts at once (it reads from the streams' current end): a change made
    // right after the request must be seen however long the check below takes.
    // A blocking XREAD holds its connection: never block the api's shared one.
    const reader = rdi.duplicate();
    const capture = captureEntries(reader, { count, timeoutMs, streams });
    capture.catch(() => undefined);
    let processors;
    let entries;
    try {
      processors = await checkStored(stored, secrets);
      entries = await capture;
    } finally {
      reader.disconnect();
    }
    const traced = await pool.run('trace', {
      jobs: stored.jobs,
      secretNames: Object.keys(secrets),
      defaults: outputDefaultsOf(processors),
      entries,
      defaultDataType: processors.target_data_type,
      typeRendering: processors.type_rendering,
      now: deps.clock.now(),
    });
    return {
      pipeline: name,
      requested: count,
      captured: traced.length,
      timed_out: traced.length < count,
      streams: [...watched].sort(),
      entries: traced,
    };
  }
}

/** The names among `names` that are streams now (others only have statistics or a DLQ left). */
async function existingStreams(rdi: Redis, names: readonly string[]): Promise<string[]> {
  const types = await Promise.all(names.map((name) => rdi.type(name)));
  return names.filter((_, i) => types[i] === 'stream');
}
