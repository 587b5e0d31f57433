// Job dry run: a job of the folder being edited, input records (typed, pasted or taken from the
// live stream as `trace` does), and per input the record, the job's output and the exact Redis
// commands side by side. Nothing is written anywhere.

import { useEffect, useState } from 'preact/hooks';
import { parse } from 'yaml';
import type {
  ApiJobDryRunBody,
  ApiJobDryRunResult,
  ApiTraceBody,
  ApiTraceResult,
} from '../../../api/schemas/api-types.ts';
import { messageOf, pipelinePath, type ApiClient } from '../api-client.ts';
import { loadPipeline } from '../pipeline-loader.ts';
import { CONFIG_FILE, useWorkspace, type Workspace } from '../workspace.ts';
import { Commands, Json } from './redis-commands.tsx';

const SAMPLE = '{\n  "id": 1,\n  "name": "Ada"\n}\n';

/** processors.type_rendering of config.yaml, as `sluice dry-run` takes it from the folder. */
function typeRenderingOf(config: string | undefined): 'rdi' | undefined {
  try {
    const parsed = parse(config ?? '') as { processors?: { type_rendering?: unknown } } | null;
    return parsed?.processors?.type_rendering === 'rdi' ? 'rdi' : undefined;
  } catch {
    return undefined;
  }
}

function inputsOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

export function DryRunView(props: { client: ApiClient; pipeline: string; workspace: Workspace }) {
  const { client, pipeline, workspace } = props;
  useWorkspace(workspace);
  const [job, setJob] = useState('');
  const [input, setInput] = useState(SAMPLE);
  const [result, setResult] = useState<{ inputs: unknown[]; answer: ApiJobDryRunResult }>();
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (workspace.pipeline === pipeline) return;
    loadPipeline(client, workspace, pipeline).catch((error: unknown) => {
      setMessage({ text: messageOf(error), error: true });
    });
  }, [pipeline]);

  const jobs = workspace.jobs();
  const names = Object.keys(jobs).sort();
  const chosen = names.includes(job) ? job : names[0];

  const run = async (): Promise<void> => {
    if (chosen === undefined) return;
    let parsed: unknown;
    try {
      parsed = parse(input);
    } catch (error) {
      setMessage({ text: `The input is not JSON or YAML: ${messageOf(error)}`, error: true });
      return;
    }
    setBusy(true);
    setMessage(undefined);
    const rendering = typeRenderingOf(workspace.text(CONFIG_FILE));
    try {
      const inputs = inputsOf(parsed);
      const answer = await client.post<ApiJobDryRunResult>('/api/v2/pipelines/jobs/dry-run', {
        job: jobs[chosen] ?? '',
        input_data: parsed as ApiJobDryRunBody['input_data'],
        ...(rendering === undefined ? {} : { type_rendering: rendering }),
      } satisfies ApiJobDryRunBody);
      setResult({ inputs, answer });
    } catch (error) {
      setResult(undefined);
      setMessage({ text: messageOf(error), error: true });
    } finally {
      setBusy(false);
    }
  };

  const fromStream = async (): Promise<void> => {
    setBusy(true);
    setMessage({ text: 'Waiting up to 10 s for the next change…', error: false });
    try {
      const trace = await client.post<ApiTraceResult>(pipelinePath(pipeline, '/trace'), {
        count: 1,
        timeout_ms: 10_000,
      } satisfies ApiTraceBody);
      const entry = trace.entries[0];
      if (entry?.event === undefined) {
        setMessage({ text: 'No change arrived in 10 s.', error: true });
        return;
      }
      setInput(`${JSON.stringify(entry.event, null, 2)}\n`);
      if (names.includes(entry.job)) setJob(entry.job);
      setMessage({ text: `Took ${entry.stream} ${entry.id} (job ${entry.job}).`, error: false });
    } catch (error) {
      setMessage({ text: messageOf(error), error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h1>Job dry run</h1>
      <p class="hint">
        Runs a job of the folder being edited (saved or not) on input records: RDI flat rows with an
        optional <code>opcode</code>, change events, or Debezium values. Writes nothing.
      </p>
      <div class="toolbar">
        <label class="inline">
          Job
          <select
            value={chosen ?? ''}
            onChange={(e) => {
              setJob(e.currentTarget.value);
            }}
          >
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={busy} onClick={() => void fromStream()}>
          Take a record from the live stream
        </button>
        <button
          type="button"
          class="primary"
          disabled={busy || chosen === undefined}
          onClick={() => void run()}
        >
          Run dry run
        </button>
      </div>
      {names.length === 0 && <p>This pipeline has no jobs: add one in the editor.</p>}
      <label class="block">
        Input records (JSON or YAML: one record or a list)
        <textarea
          rows={8}
          spellcheck={false}
          value={input}
          onInput={(e) => {
            setInput(e.currentTarget.value);
          }}
        />
      </label>
      {message !== undefined && (
        <p class={message.error ? 'error' : 'notice'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      {result !== undefined && (
        <table class="side-by-side" aria-label="Dry run results">
          <thead>
            <tr>
              <th scope="col">Record</th>
              <th scope="col">Job output</th>
              <th scope="col">Redis commands</th>
            </tr>
          </thead>
          <tbody>
            {result.answer.details.map((d) => (
              <tr key={d.input}>
                <td>
                  <Json value={result.inputs[d.input]} />
                </td>
                <td>
                  <p class={`outcome ${d.outcome}`}>{d.outcome}</p>
                  {d.error !== undefined && (
                    <p class="error">
                      {d.error.code}: {d.error.message}
                    </p>
                  )}
                  {d.record !== undefined && <Json value={d.record} />}
                </td>
                <td>
                  <Commands commands={d.commands} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
