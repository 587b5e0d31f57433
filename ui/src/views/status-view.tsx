// Status, live: the phase, the snapshot's progress, backpressure with its reason, the
// components with restarts and errors with what to do, and per table the counts, rates (from
// two successive readings), backlog and lag. Start, stop and reset ask for confirmation first;
// reset offers to delete the target keys too.

import { useEffect, useRef, useState } from 'preact/hooks';
import type {
  ApiControlResult,
  ApiPipelineStatus,
  ApiResetBody,
} from '../../../api/schemas/api-types.ts';
import { messageOf, pipelinePath, type ApiClient } from '../api-client.ts';
import { ConfirmDialog, type ConfirmRequest } from './confirm-dialog.tsx';

const REFRESH_MS = 2000;

const PHASES: Readonly<Record<string, string>> = {
  initial_sync: 'Initial sync',
  cdc: 'Change streaming (CDC)',
  not_running: 'Not running',
  starting: 'Starting',
  stopping: 'Stopping',
  stopped: 'Stopped',
  resetting: 'Resetting',
  error: 'Error',
};

/** The snapshot record the operator reports (every field optional). */
interface SnapshotView {
  completed?: boolean;
  captured?: boolean;
  tables_total?: number;
  tables_completed?: number;
  rows_scanned?: number;
}

interface Reading {
  readonly status: ApiPipelineStatus;
  readonly at: number;
}

function rate(now: Reading, before: Reading | undefined, stream: string): string {
  if (before === undefined) return '—';
  const seconds = (now.at - before.at) / 1000;
  const a = now.status.streams.find((s) => s.stream === stream)?.total;
  const b = before.status.streams.find((s) => s.stream === stream)?.total;
  if (a === undefined || b === undefined || seconds <= 0) return '—';
  return `${Math.max(0, (a - b) / seconds).toFixed(1)}/s`;
}

function ago(time: number | undefined): string {
  if (time === undefined) return '—';
  const seconds = Math.max(0, Math.round((Date.now() - time) / 1000));
  return seconds < 120 ? `${seconds} s ago` : new Date(time).toLocaleString();
}

function SnapshotProgress({ status }: { status: ApiPipelineStatus }) {
  const snapshot = status.snapshot;
  if (typeof snapshot !== 'object' || snapshot === null) return <p>No snapshot yet.</p>;
  const s = snapshot as SnapshotView;
  if (s.completed === true) {
    return (
      <p>
        Completed: {s.tables_total ?? '?'} tables, {(s.rows_scanned ?? 0).toLocaleString()} rows.
      </p>
    );
  }
  const inTarget = status.streams.reduce((sum, x) => sum + x.total, 0);
  if (s.captured === true && s.rows_scanned !== undefined && s.rows_scanned > 0) {
    return (
      <label class="block">
        Rows in the target: {Math.min(inTarget, s.rows_scanned).toLocaleString()} of{' '}
        {s.rows_scanned.toLocaleString()}
        <progress max={s.rows_scanned} value={Math.min(inTarget, s.rows_scanned)} />
      </label>
    );
  }
  return (
    <label class="block">
      Tables read: {s.tables_completed ?? 0} of {s.tables_total ?? '?'}
      <progress max={s.tables_total ?? 1} value={s.tables_completed ?? 0} />
    </label>
  );
}

export function StatusView({ client, pipeline }: { client: ApiClient; pipeline: string }) {
  const [reading, setReading] = useState<Reading | undefined>();
  const previous = useRef<Reading | undefined>(undefined);
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [confirm, setConfirm] = useState<ConfirmRequest | undefined>();

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    previous.current = undefined;
    setReading(undefined);
    const poll = async (): Promise<void> => {
      try {
        const status = await client.get<ApiPipelineStatus>(pipelinePath(pipeline, '/status'));
        if (stopped) return;
        setReading((last) => {
          previous.current = last;
          return { status, at: Date.now() };
        });
        setError(undefined);
      } catch (e) {
        if (!stopped) setError(messageOf(e));
      }
      if (!stopped) timer = setTimeout(() => void poll(), REFRESH_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [client, pipeline]);

  const control = async (action: 'start' | 'stop' | 'reset', dropKeys = false): Promise<void> => {
    try {
      const result = await client.post<ApiControlResult>(
        pipelinePath(pipeline, `/${action}`),
        action === 'reset' ? ({ drop_target_keys: dropKeys } satisfies ApiResetBody) : undefined,
      );
      setNotice(
        `Asked the operator to ${action} '${pipeline}'${dropKeys ? ' and delete its target keys' : ''}` +
          ` (desired state ${result.desired_state}, reset generation ${result.reset_generation}).`,
      );
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const status = reading?.status;
  return (
    <section>
      <h1>Status: {pipeline}</h1>
      <div class="toolbar" role="toolbar" aria-label="Pipeline control">
        <button
          type="button"
          onClick={() => {
            setConfirm({
              title: `Start ${pipeline}?`,
              text: 'The operator starts Debezium Server and the processor.',
              action: 'Start',
              onConfirm: () => void control('start'),
            });
          }}
        >
          Start
        </button>
        <button
          type="button"
          onClick={() => {
            setConfirm({
              title: `Stop ${pipeline}?`,
              text: 'Capture and processing stop; offsets and streams are kept.',
              action: 'Stop',
              onConfirm: () => void control('stop'),
            });
          }}
        >
          Stop
        </button>
        <button
          type="button"
          class="danger"
          onClick={() => {
            setConfirm({
              title: `Reset ${pipeline}?`,
              text: 'Offsets, streams and checkpoints are dropped and every table is read again.',
              action: 'Reset',
              option: "Also delete the target keys of the pipeline's tables",
              onConfirm: (drop) => void control('reset', drop),
            });
          }}
        >
          Reset…
        </button>
        <span class="live" aria-live="off">
          Refreshes every {REFRESH_MS / 1000} s
        </span>
      </div>
      <ConfirmDialog
        request={confirm}
        onClose={() => {
          setConfirm(undefined);
        }}
      />
      {notice !== undefined && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {error !== undefined && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {status !== undefined && reading !== undefined && (
        <>
          <dl class="facts">
            <dt>Phase</dt>
            <dd data-testid="phase" class={`phase ${status.phase}`}>
              {PHASES[status.phase] ?? status.phase}
            </dd>
            <dt>Desired state</dt>
            <dd>{status.desired_state}</dd>
            <dt>Backpressure</dt>
            <dd class={status.backpressure.active ? 'warning' : ''}>
              {status.backpressure.active
                ? `On: ${status.backpressure.reason ?? 'no reason given'}${status.backpressure.since === undefined ? '' : ` (since ${ago(status.backpressure.since)})`}`
                : 'Off'}
            </dd>
            <dt>Reported</dt>
            <dd>{ago(status.reported_at)}</dd>
          </dl>
          <h2>Snapshot</h2>
          <SnapshotProgress status={status} />
          <h2>Components</h2>
          {status.components.length === 0 ? (
            <p>No components reported.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Type</th>
                  <th scope="col">State</th>
                  <th scope="col">Restarts</th>
                  <th scope="col">Message</th>
                </tr>
              </thead>
              <tbody>
                {status.components.map((c) => (
                  <tr key={c.name}>
                    <td>{c.name}</td>
                    <td>{c.type ?? '—'}</td>
                    <td>{c.state}</td>
                    <td>{c.restarts ?? 0}</td>
                    <td>{c.message ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {status.errors.length > 0 && (
            <>
              <h2>Errors</h2>
              <ul class="errors">
                {status.errors.map((e, i) => (
                  <li key={i}>
                    <strong>{e.code}</strong>: {e.message}
                    {e.remediation !== undefined && (
                      <p class="remedy">What to do: {e.remediation}</p>
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
          <h2>Tables</h2>
          {status.streams.length === 0 ? (
            <p>No streams yet.</p>
          ) : (
            <div class="scroll">
              <table class="numbers">
                <thead>
                  <tr>
                    <th scope="col">Table</th>
                    <th scope="col">Total</th>
                    <th scope="col">Rate</th>
                    <th scope="col">Inserted</th>
                    <th scope="col">Updated</th>
                    <th scope="col">Deleted</th>
                    <th scope="col">Filtered</th>
                    <th scope="col">Rejected</th>
                    <th scope="col">Replayed</th>
                    <th scope="col">Pending</th>
                    <th scope="col">Lag</th>
                    <th scope="col">Backlog</th>
                    <th scope="col">DLQ</th>
                    <th scope="col">Last change</th>
                  </tr>
                </thead>
                <tbody>
                  {status.streams.map((s) => (
                    <tr key={s.stream}>
                      <th scope="row">{s.table}</th>
                      <td>{s.total}</td>
                      <td>{rate(reading, previous.current, s.stream)}</td>
                      <td>{s.inserted}</td>
                      <td>{s.updated}</td>
                      <td>{s.deleted}</td>
                      <td>{s.filtered}</td>
                      <td>{s.rejected}</td>
                      <td>{s.replayed}</td>
                      <td>{s.pending}</td>
                      <td>{s.lag}</td>
                      <td>{s.pending + s.lag}</td>
                      <td>{s.dlq_length}</td>
                      <td>{ago(s.last_arrival)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
