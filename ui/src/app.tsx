// The UI's shell: the login form until a session exists, then a header (pipeline, user,
// logout), the navigation between the screens (hash routes, so a reload keeps the screen) and
// the current screen. One ApiClient holds the session; its end returns to the login form.

import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ApiPipelineList } from '../../api/schemas/api-types.ts';
import { ApiClient, type Session, type SessionEndReason } from './api-client.ts';
import { DlqView } from './views/dlq-view.tsx';
import { DryRunView } from './views/dry-run-view.tsx';
import { EditorView } from './views/editor-view.tsx';
import { LoginView } from './views/login-view.tsx';
import { StatusView } from './views/status-view.tsx';
import { TraceView } from './views/trace-view.tsx';
import { Workspace } from './workspace.ts';

const SCREENS = [
  { id: 'editor', label: 'Pipeline editor' },
  { id: 'dry-run', label: 'Job dry run' },
  { id: 'status', label: 'Status' },
  { id: 'dlq', label: 'Dead letters' },
  { id: 'trace', label: 'Trace' },
] as const;
type ScreenId = (typeof SCREENS)[number]['id'];

const END_MESSAGES: Record<SessionEndReason, string> = {
  logout: 'You are logged out.',
  expired: 'Your session expired: log in again.',
  refused: 'The API refused the session (expired or revoked): log in again.',
};

function screenOfHash(): ScreenId {
  const id = location.hash.replace(/^#\/?/, '');
  return SCREENS.find((s) => s.id === id)?.id ?? 'editor';
}

export function App() {
  const [session, setSession] = useState<Session | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const client = useMemo(
    () =>
      new ApiClient((reason) => {
        setSession(undefined);
        setNotice(END_MESSAGES[reason]);
      }),
    [],
  );
  if (session === undefined) {
    return (
      <LoginView
        client={client}
        notice={notice}
        onLogin={(s) => {
          setNotice(undefined);
          setSession(s);
        }}
      />
    );
  }
  return <Shell client={client} session={session} />;
}

function Shell({ client, session }: { client: ApiClient; session: Session }) {
  const [screen, setScreen] = useState<ScreenId>(screenOfHash());
  const [pipeline, setPipeline] = useState('default');
  const [pipelines, setPipelines] = useState<string[]>([]);
  const workspace = useMemo(() => new Workspace(), []);

  useEffect(() => {
    const onHash = (): void => {
      setScreen(screenOfHash());
    };
    addEventListener('hashchange', onHash);
    return () => {
      removeEventListener('hashchange', onHash);
    };
  }, []);

  useEffect(() => {
    client
      .get<ApiPipelineList>('/api/v2/pipelines')
      .then((list) => {
        setPipelines(list.pipelines.map((p) => p.name));
      })
      .catch(() => undefined);
  }, [client, pipeline]);

  const names = pipelines.includes(pipeline) ? pipelines : [pipeline, ...pipelines];
  const current = SCREENS.find((s) => s.id === screen);
  return (
    <div class="shell">
      <header class="topbar">
        <span class="brand">Sluice</span>
        <label class="inline">
          Pipeline
          <select
            value={pipeline}
            onChange={(e) => {
              setPipeline(e.currentTarget.value);
            }}
          >
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <span class="user" title={`Session ends ${new Date(session.expiresAt).toLocaleString()}`}>
          {session.username}
        </span>
        <button
          type="button"
          onClick={() => {
            client.logout();
          }}
        >
          Log out
        </button>
      </header>
      <nav class="tabs" aria-label="Screens">
        {SCREENS.map((s) => (
          <a key={s.id} href={`#/${s.id}`} aria-current={s.id === screen ? 'page' : undefined}>
            {s.label}
          </a>
        ))}
      </nav>
      <main aria-label={current?.label}>
        {screen === 'editor' && (
          <EditorView
            client={client}
            pipeline={pipeline}
            workspace={workspace}
            onPipelineChange={setPipeline}
          />
        )}
        {screen === 'dry-run' && (
          <DryRunView client={client} pipeline={pipeline} workspace={workspace} />
        )}
        {screen === 'status' && <StatusView client={client} pipeline={pipeline} />}
        {screen === 'dlq' && <DlqView client={client} pipeline={pipeline} />}
        {screen === 'trace' && <TraceView client={client} pipeline={pipeline} />}
      </main>
    </div>
  );
}
