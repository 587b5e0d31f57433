// The login form: a user of the RDI database, as for `sluice login`.

import { useState } from 'preact/hooks';
import { messageOf, type ApiClient, type Session } from '../api-client.ts';

export function LoginView(props: {
  client: ApiClient;
  notice: string | undefined;
  onLogin: (session: Session) => void;
}) {
  const [username, setUsername] = useState('default');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      props.onLogin(await props.client.login(username, password));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login" aria-label="Log in">
      <h1>Sluice</h1>
      <p>Log in with a user of the RDI database.</p>
      {props.notice !== undefined && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      <form onSubmit={(e) => void submit(e)}>
        <label>
          User
          <input
            name="username"
            autoComplete="username"
            required
            value={username}
            onInput={(e) => {
              setUsername(e.currentTarget.value);
            }}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onInput={(e) => {
              setPassword(e.currentTarget.value);
            }}
          />
        </label>
        <button type="submit" disabled={busy}>
          Log in
        </button>
        {error !== undefined && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
