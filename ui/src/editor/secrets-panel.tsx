// Secrets, write-only: the names stored in the API, a form to set one (the value goes to the
// API and is never shown again), and the `${NAME}` references of config.yaml not set yet.

import { useEffect, useState } from 'preact/hooks';
import type { ApiSecretBody, ApiSecretList } from '../../../api/schemas/api-types.ts';
import { messageOf, type ApiClient } from '../api-client.ts';
import { secretReferences } from './local-validation.ts';

export interface SecretNames {
  readonly names: readonly string[];
  refresh(): void;
}

export function useSecretNames(client: ApiClient): SecretNames {
  const [names, setNames] = useState<readonly string[]>([]);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    client
      .get<ApiSecretList>('/api/v2/secrets')
      .then((list) => {
        setNames(list.secrets.map((s) => s.name).sort());
      })
      .catch(() => undefined);
  }, [client, version]);
  return {
    names,
    refresh: () => {
      setVersion((v) => v + 1);
    },
  };
}

export function SecretsPanel(props: {
  client: ApiClient;
  secrets: SecretNames;
  referenced: string;
}) {
  const { client, secrets } = props;
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>();
  const missing = secretReferences(props.referenced).filter((n) => !secrets.names.includes(n));

  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    try {
      await client.put<unknown>(`/api/v2/secrets/${encodeURIComponent(name)}`, {
        value,
      } satisfies ApiSecretBody);
      setMessage({ text: `Secret ${name} set.`, error: false });
      setName('');
      setValue('');
      secrets.refresh();
    } catch (error) {
      setMessage({ text: messageOf(error), error: true });
    }
  };
  const remove = async (secret: string): Promise<void> => {
    if (!confirm(`Delete the secret ${secret}?`)) return;
    try {
      await client.delete(`/api/v2/secrets/${encodeURIComponent(secret)}`);
      secrets.refresh();
    } catch (error) {
      setMessage({ text: messageOf(error), error: true });
    }
  };

  return (
    <aside class="secrets" aria-labelledby="secrets-title">
      <h2 id="secrets-title">Secrets</h2>
      <p class="hint">
        Referenced as <code>{'${NAME}'}</code>. Values are write-only.
      </p>
      {missing.length > 0 && (
        <p class="warning">
          Not set:{' '}
          {missing.map((n) => (
            <button
              key={n}
              type="button"
              class="link"
              onClick={() => {
                setName(n);
              }}
            >
              {n}
            </button>
          ))}
        </p>
      )}
      <ul class="secret-list">
        {secrets.names.map((n) => (
          <li key={n}>
            <code>{n}</code>
            <button type="button" aria-label={`Delete secret ${n}`} onClick={() => void remove(n)}>
              Delete
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={(e) => void save(e)}>
        <label>
          Name
          <input
            required
            pattern="[A-Za-z_][A-Za-z0-9_]*"
            value={name}
            onInput={(e) => {
              setName(e.currentTarget.value);
            }}
          />
        </label>
        <label>
          Value
          <input
            type="password"
            autoComplete="off"
            value={value}
            onInput={(e) => {
              setValue(e.currentTarget.value);
            }}
          />
        </label>
        <button type="submit">Set secret</button>
      </form>
      {message !== undefined && (
        <p class={message.error ? 'error' : 'notice'} role="status">
          {message.text}
        </p>
      )}
    </aside>
  );
}
