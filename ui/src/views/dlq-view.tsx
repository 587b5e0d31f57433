// Dead letters: the tables with rejected records, a page of one table's records with code,
// reason, job and time, filtering, the original entry, and replay of one record, a selection
// or all of them (after fixing the cause).

import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type {
  ApiDlqList,
  ApiDlqRecord,
  ApiDlqRecords,
  ApiReplayBody,
  ApiReplayResult,
} from '../../../api/schemas/api-types.ts';
import { messageOf, pipelinePath, type ApiClient } from '../api-client.ts';
import { ConfirmDialog, type ConfirmRequest } from './confirm-dialog.tsx';
import { Json } from './redis-commands.tsx';

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The `payload` of a Debezium JSON text (the row), or the whole text when it has none. */
function payloadOf(text: string): unknown {
  const value = parsed(text);
  return typeof value === 'object' && value !== null && 'payload' in value ? value.payload : value;
}

function matches(record: ApiDlqRecord, filter: string): boolean {
  const needle = filter.trim().toLowerCase();
  if (needle === '') return true;
  return [record.error_code, record.reason, record.job, record.key, record.entry_id]
    .join(' ')
    .toLowerCase()
    .includes(needle);
}

export function DlqView({ client, pipeline }: { client: ApiClient; pipeline: string }) {
  const [dlqs, setDlqs] = useState<ApiDlqList['dlqs']>([]);
  const [table, setTable] = useState<string | undefined>();
  const [page, setPage] = useState<ApiDlqRecords | undefined>();
  const [filter, setFilter] = useState('');
  const [order, setOrder] = useState<'asc' | 'desc'>('desc');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [open, setOpen] = useState<string | undefined>();
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>();
  const [confirm, setConfirm] = useState<ConfirmRequest | undefined>();
  const [version, setVersion] = useState(0);

  useEffect(() => {
    client
      .get<ApiDlqList>(pipelinePath(pipeline, '/dlqs'))
      .then((list) => {
        setDlqs(list.dlqs);
        if (table === undefined || !list.dlqs.some((d) => d.table === table)) {
          setTable(list.dlqs.find((d) => d.count > 0)?.table ?? list.dlqs[0]?.table);
        }
      })
      .catch((e: unknown) => {
        setMessage({ text: messageOf(e), error: true });
      });
  }, [client, pipeline, version]);

  useEffect(() => {
    if (table === undefined) {
      setPage(undefined);
      return;
    }
    const query = new URLSearchParams({ limit: '100', offset: '0', sort_order: order });
    client
      .get<ApiDlqRecords>(
        pipelinePath(pipeline, `/dlqs/${encodeURIComponent(table)}/records?${query.toString()}`),
      )
      .then((p) => {
        setPage(p);
        setSelected(new Set());
      })
      .catch((e: unknown) => {
        setMessage({ text: messageOf(e), error: true });
      });
  }, [client, pipeline, table, order, version]);

  const replay = async (body: ApiReplayBody): Promise<void> => {
    if (table === undefined) return;
    try {
      const result = await client.post<ApiReplayResult>(
        pipelinePath(pipeline, `/dlqs/${encodeURIComponent(table)}/replay`),
        body,
      );
      setMessage({
        text:
          `Replayed ${result.replayed} records of ${result.table}` +
          `${result.missing > 0 ? ` (${result.missing} were no longer there)` : ''}; ${result.remaining} remain.`,
        error: false,
      });
      setVersion((v) => v + 1);
    } catch (e) {
      setMessage({ text: messageOf(e), error: true });
    }
  };

  const records = (page?.records ?? []).filter((r) => matches(r, filter));
  const toggle = (id: string): void => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };

  return (
    <section>
      <h1>Dead letters: {pipeline}</h1>
      <div class="toolbar">
        <label class="inline">
          Table
          <select
            value={table ?? ''}
            onChange={(e) => {
              setTable(e.currentTarget.value);
            }}
          >
            {dlqs.map((d) => (
              <option key={d.table} value={d.table}>
                {d.table} ({d.count})
              </option>
            ))}
          </select>
        </label>
        <label class="inline">
          Filter
          <input
            type="search"
            value={filter}
            placeholder="code, reason, job or key"
            onInput={(e) => {
              setFilter(e.currentTarget.value);
            }}
          />
        </label>
        <label class="inline">
          Order
          <select
            value={order}
            onChange={(e) => {
              setOrder(e.currentTarget.value === 'asc' ? 'asc' : 'desc');
            }}
          >
            <option value="desc">newest first</option>
            <option value="asc">oldest first</option>
          </select>
        </label>
        <button
          type="button"
          onClick={() => {
            setVersion((v) => v + 1);
          }}
        >
          Refresh
        </button>
        <button
          type="button"
          disabled={selected.size === 0}
          onClick={() => void replay({ ids: [...selected] })}
        >
          Replay selected ({selected.size})
        </button>
        <button
          type="button"
          class="danger"
          disabled={table === undefined || (page?.total ?? 0) === 0}
          onClick={() => {
            setConfirm({
              title: `Replay every record of ${table ?? ''}?`,
              text: 'The oldest 1000 records go back to their change stream; fix their cause first.',
              action: 'Replay all',
              onConfirm: () => void replay({ all: true }),
            });
          }}
        >
          Replay all…
        </button>
      </div>
      <ConfirmDialog
        request={confirm}
        onClose={() => {
          setConfirm(undefined);
        }}
      />
      {message !== undefined && (
        <p class={message.error ? 'error' : 'notice'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      {dlqs.length === 0 && <p>No rejected records.</p>}
      {page !== undefined && (
        <>
          <p>
            {records.length} shown of {page.total} records in {page.table}.
          </p>
          <table class="dlq">
            <thead>
              <tr>
                <th scope="col">
                  <span class="visually-hidden">Select</span>
                </th>
                <th scope="col">Time</th>
                <th scope="col">Code</th>
                <th scope="col">Reason</th>
                <th scope="col">Job</th>
                <th scope="col">Key</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {records.map((r) => (
                <Fragment key={r.id}>
                  <tr>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select record ${r.id}`}
                        checked={selected.has(r.id)}
                        onChange={() => {
                          toggle(r.id);
                        }}
                      />
                    </td>
                    <td>{new Date(r.time).toLocaleString()}</td>
                    <td>
                      <code>{r.error_code}</code>
                    </td>
                    <td class="reason">{r.reason}</td>
                    <td>{r.job}</td>
                    <td>
                      <code>{JSON.stringify(payloadOf(r.key))}</code>
                    </td>
                    <td>
                      <div class="row">
                        <button
                          type="button"
                          aria-expanded={open === r.id}
                          aria-label={`View original of record ${r.id}`}
                          onClick={() => {
                            setOpen(open === r.id ? undefined : r.id);
                          }}
                        >
                          Original
                        </button>
                        <button
                          type="button"
                          aria-label={`Replay record ${r.id}`}
                          onClick={() => void replay({ ids: [r.id] })}
                        >
                          Replay
                        </button>
                      </div>
                    </td>
                  </tr>
                  {open === r.id && (
                    <tr class="original">
                      <td colSpan={7}>
                        <p>Entry {r.entry_id} of the change stream, as Debezium wrote it:</p>
                        <div class="two">
                          <div>
                            <h3>Key</h3>
                            <Json value={payloadOf(r.key)} />
                          </div>
                          <div>
                            <h3>Value (payload)</h3>
                            <Json value={payloadOf(r.value)} />
                          </div>
                        </div>
                        <details>
                          <summary>Key and value with their Debezium schemas</summary>
                          <Json value={{ key: parsed(r.key), value: parsed(r.value) }} />
                        </details>
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
