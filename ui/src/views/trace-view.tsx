// Trace: the next N changes of the pipeline's streams (read without consuming them) as record →
// job output → Redis commands.

import { useState } from 'preact/hooks';
import type { ApiTraceBody, ApiTraceResult } from '../../../api/schemas/api-types.ts';
import { messageOf, pipelinePath, type ApiClient } from '../api-client.ts';
import { Commands, Json } from './redis-commands.tsx';

export function TraceView({ client, pipeline }: { client: ApiClient; pipeline: string }) {
  const [count, setCount] = useState(5);
  const [seconds, setSeconds] = useState(20);
  const [result, setResult] = useState<ApiTraceResult | undefined>();
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>();
  const [busy, setBusy] = useState(false);

  const run = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setResult(undefined);
    setMessage({ text: `Waiting up to ${seconds} s for ${count} changes…`, error: false });
    try {
      const answer = await client.post<ApiTraceResult>(pipelinePath(pipeline, '/trace'), {
        count,
        timeout_ms: seconds * 1000,
      } satisfies ApiTraceBody);
      setResult(answer);
      setMessage({
        text: answer.timed_out
          ? `${answer.captured} of ${answer.requested} changes arrived before the timeout.`
          : `${answer.captured} changes.`,
        error: false,
      });
    } catch (error) {
      setMessage({ text: messageOf(error), error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h1>Trace: {pipeline}</h1>
      <form class="toolbar" onSubmit={(e) => void run(e)}>
        <label class="inline">
          Changes
          <input
            type="number"
            min={1}
            max={1000}
            value={count}
            onInput={(e) => {
              setCount(Number(e.currentTarget.value));
            }}
          />
        </label>
        <label class="inline">
          Wait at most (s)
          <input
            type="number"
            min={1}
            max={120}
            value={seconds}
            onInput={(e) => {
              setSeconds(Number(e.currentTarget.value));
            }}
          />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          Trace
        </button>
      </form>
      {message !== undefined && (
        <p class={message.error ? 'error' : 'notice'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      {result !== undefined && result.entries.length > 0 && (
        <table class="side-by-side" aria-label="Traced changes">
          <thead>
            <tr>
              <th scope="col">Change</th>
              <th scope="col">Job output</th>
              <th scope="col">Redis commands</th>
            </tr>
          </thead>
          <tbody>
            {result.entries.map((e) => (
              <tr key={`${e.stream}-${e.id}`}>
                <td>
                  <p>
                    <code>{e.stream}</code> {e.id}
                  </p>
                  <Json value={e.event} />
                </td>
                <td>
                  <p class={`outcome ${e.outcome}`}>
                    {e.outcome} (job {e.job})
                  </p>
                  {e.error !== undefined && (
                    <p class="error">
                      {e.error.code}: {e.error.message}
                    </p>
                  )}
                  {e.record !== undefined && <Json value={e.record} />}
                </td>
                <td>
                  <Commands commands={e.commands} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
