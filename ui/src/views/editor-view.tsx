// The pipeline editor: the folder's files (config.yaml, jobs, job tests) in a tree, the code
// editor with the loader's problems inline, the secrets panel, validate (the API's dry run) and
// deploy with the API's problems (and its warnings: keys without effect) at their lines, scaffolding per source type, and the folder as
// a zip to download or upload.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type {
  ApiControlResult,
  ApiDeployedPipeline,
  ApiDryRunResult,
  ApiPipelineBody,
  ApiProblem,
} from '../../../api/schemas/api-types.ts';
import {
  configTemplate,
  DB_TYPES,
  jobTemplate,
  type DbType,
} from '../../../cli/scaffold-templates.ts';
import { ApiFailure, messageOf, pipelinePath, type ApiClient } from '../api-client.ts';
import { CodeEditor } from '../editor/code-editor.tsx';
import { checkFile, targetsOf, type FileProblem } from '../editor/local-validation.ts';
import { unzipFolder, zipFolder } from '../editor/pipeline-zip.ts';
import { SecretsPanel, useSecretNames } from '../editor/secrets-panel.tsx';
import { newJob, newJobTest } from '../editor/new-files.ts';
import { loadPipeline } from '../pipeline-loader.ts';
import { CONFIG_FILE, kindOf, useWorkspace, type Workspace } from '../workspace.ts';

interface Props {
  client: ApiClient;
  pipeline: string;
  workspace: Workspace;
  onPipelineChange: (name: string) => void;
}

type ProblemMap = ReadonlyMap<string, readonly FileProblem[]>;

/** The API's problems (or warnings) by file; those without a file go under config.yaml's name. */
function apiProblemsOf(problems: readonly ApiProblem[], warning = false): ProblemMap {
  const map = new Map<string, FileProblem[]>();
  for (const p of problems) {
    const file = p.file ?? CONFIG_FILE;
    const list = map.get(file) ?? [];
    list.push({
      line: p.line ?? 1,
      column: p.column ?? 1,
      message: p.message,
      code: p.code,
      source: 'api',
      ...(warning ? { severity: 'warning' as const } : {}),
    });
    map.set(file, list);
  }
  return map;
}

/** ` (2 warnings below)` after a success message, or nothing. */
function warningNote(count: number): string {
  if (count === 0) return '';
  return ` (${count} warning${count === 1 ? '' : 's'} below)`;
}

export function EditorView({ client, pipeline, workspace, onPipelineChange }: Props) {
  useWorkspace(workspace);
  const [selected, setSelected] = useState(CONFIG_FILE);
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>();
  const [busy, setBusy] = useState(false);
  const [startAfter, setStartAfter] = useState(false);
  const [apiProblems, setApiProblems] = useState<ProblemMap>(new Map());
  const [apiWarnings, setApiWarnings] = useState<ProblemMap>(new Map());
  const [localProblems, setLocalProblems] = useState<ProblemMap>(new Map());
  const [jump, setJump] = useState<{ line: number; column: number; seq: number } | undefined>();
  const [newFile, setNewFile] = useState('');
  const [dbType, setDbType] = useState<DbType>('postgresql');
  const [newName, setNewName] = useState('');
  const [reloads, setReloads] = useState(0);
  const secrets = useSecretNames(client);
  const secretNamesRef = useRef(secrets.names);
  secretNamesRef.current = secrets.names;

  const say = (text: string, error = false): void => {
    setMessage({ text, error });
  };

  // Load the pipeline from the API when another one is chosen.
  useEffect(() => {
    if (workspace.pipeline === pipeline) return;
    let cancelled = false;
    loadPipeline(client, workspace, pipeline)
      .then((loaded) => {
        if (cancelled) return;
        setSelected(CONFIG_FILE);
        setApiProblems(new Map());
        setApiWarnings(new Map());
        say(
          loaded.outcome === 'loaded'
            ? `Loaded pipeline '${pipeline}' (revision ${loaded.revision}).`
            : `There is no pipeline '${pipeline}' yet: scaffold one or upload a zip.`,
        );
      })
      .catch((error: unknown) => {
        if (!cancelled) say(messageOf(error), true);
      });
    return () => {
      cancelled = true;
    };
  }, [pipeline, reloads]);

  // The loader's problems of every file, shortly after each change.
  const paths = workspace.paths();
  const texts = paths.map((p) => workspace.text(p) ?? '').join('\u0000');
  useEffect(() => {
    const timer = setTimeout(() => {
      const context = { secretNames: secretNamesRef.current, targets: undefined };
      const targets = targetsOf(workspace.text(CONFIG_FILE), context);
      const map = new Map<string, FileProblem[]>();
      for (const path of workspace.paths()) {
        map.set(path, checkFile(path, workspace.text(path) ?? '', { ...context, targets }));
      }
      setLocalProblems(map);
    }, 250);
    return () => {
      clearTimeout(timer);
    };
  }, [texts, secrets.names]);

  const current = paths.includes(selected) ? selected : paths[0];
  const problemsOf = (path: string): FileProblem[] => [
    ...(localProblems.get(path) ?? []),
    ...(apiProblems.get(path) ?? []),
  ];
  const currentProblems = useMemo(
    () =>
      current === undefined ? [] : [...problemsOf(current), ...(apiWarnings.get(current) ?? [])],
    [current, localProblems, apiProblems, apiWarnings],
  );
  const allProblems = paths.flatMap((path) => problemsOf(path).map((p) => ({ path, ...p })));
  const allWarnings = [...apiWarnings.entries()].flatMap(([path, list]) =>
    list.map((p) => ({ path, ...p })),
  );

  const onChange = (path: string, text: string): void => {
    workspace.set(path, text);
    if (apiProblems.has(path)) {
      const next = new Map(apiProblems);
      next.delete(path);
      setApiProblems(next);
    }
    if (apiWarnings.has(path)) {
      const next = new Map(apiWarnings);
      next.delete(path);
      setApiWarnings(next);
    }
  };

  const send = async (dryRun: boolean): Promise<void> => {
    setBusy(true);
    setApiProblems(new Map());
    setApiWarnings(new Map());
    const body: ApiPipelineBody = workspace.body();
    try {
      if (dryRun) {
        const result = await client.put<ApiDryRunResult>(
          pipelinePath(pipeline, '?dry_run=true'),
          body,
        );
        const tested = result.connections_tested;
        setApiWarnings(apiProblemsOf(result.warnings, true));
        say(
          `Valid. Connections tested: ${tested.length === 0 ? 'none' : tested.join(', ')}.` +
            warningNote(result.warnings.length),
        );
      } else {
        const result = await client.put<ApiDeployedPipeline>(pipelinePath(pipeline), body);
        setApiWarnings(apiProblemsOf(result.warnings, true));
        workspace.markSaved(result.revision);
        workspace.pipeline = pipeline;
        if (startAfter) await client.post<ApiControlResult>(pipelinePath(pipeline, '/start'));
        say(
          `Deployed pipeline '${pipeline}' (revision ${result.revision})` +
            `${startAfter ? ' and asked the operator to start it' : ''}.` +
            warningNote(result.warnings.length),
        );
      }
    } catch (error) {
      if (error instanceof ApiFailure && (error.body.problems?.length ?? 0) > 0) {
        const map = apiProblemsOf(error.body.problems ?? []);
        setApiProblems(map);
        const first = [...map.entries()][0];
        if (first !== undefined) {
          setSelected(first[0]);
          const p = first[1][0];
          if (p !== undefined) setJump({ line: p.line, column: p.column, seq: Date.now() });
        }
        say(`${dryRun ? 'Not valid' : 'Not deployed'}: ${error.body.message}`, true);
      } else say(messageOf(error), true);
    } finally {
      setBusy(false);
    }
  };

  const download = (): void => {
    const zip = zipFolder(pipeline, workspace.entries());
    const url = URL.createObjectURL(new Blob([zip.slice().buffer], { type: 'application/zip' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `${pipeline}.zip`;
    link.click();
    setTimeout(() => {
      URL.revokeObjectURL(url);
    }, 1000);
  };

  const upload = async (file: File): Promise<void> => {
    try {
      const files = unzipFolder(new Uint8Array(await file.arrayBuffer()));
      workspace.load(pipeline, files, workspace.revision, false);
      setSelected(CONFIG_FILE);
      say(`Loaded ${files.size} files from ${file.name}; validate or deploy to use them.`);
    } catch (error) {
      say(messageOf(error), true);
    }
  };

  const scaffold = (): void => {
    const name = newName.trim() === '' ? pipeline : newName.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(name)) {
      say('A pipeline name has letters, digits, _ and - (up to 64).', true);
      return;
    }
    if (workspace.anyModified() && !confirm('Replace the files being edited with a new pipeline?'))
      return;
    const files = new Map([
      [CONFIG_FILE, configTemplate(dbType)],
      ['jobs/example.yaml', jobTemplate(dbType)],
    ]);
    workspace.load(name, files, undefined, false);
    onPipelineChange(name);
    setSelected(CONFIG_FILE);
    say(`New ${dbType} pipeline '${name}': set its secrets, then validate and deploy.`);
  };

  const addFile = (test: boolean): void => {
    const name = newFile.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) {
      say('A job name has letters, digits, _ and -.', true);
      return;
    }
    const path = test ? `jobs/${name}.test.yaml` : `jobs/${name}.yaml`;
    if (workspace.text(path) === undefined) workspace.set(path, test ? newJobTest() : newJob(name));
    setSelected(path);
    setNewFile('');
  };

  const text = current === undefined ? undefined : workspace.text(current);
  return (
    <section class="editor-screen">
      <h1>Pipeline editor: {pipeline}</h1>
      <div class="toolbar" role="toolbar" aria-label="Pipeline actions">
        <button type="button" disabled={busy} onClick={() => void send(true)}>
          Validate
        </button>
        <button type="button" class="primary" disabled={busy} onClick={() => void send(false)}>
          Deploy
        </button>
        <label class="inline">
          <input
            type="checkbox"
            checked={startAfter}
            onChange={(e) => {
              setStartAfter(e.currentTarget.checked);
            }}
          />
          Start after deploy
        </label>
        <button
          type="button"
          onClick={() => {
            if (workspace.anyModified() && !confirm('Drop the changes not deployed yet?')) return;
            workspace.pipeline = undefined;
            setReloads((n) => n + 1);
          }}
        >
          Reload deployed
        </button>
        <button type="button" onClick={download}>
          Download zip
        </button>
        <label class="file-button">
          Upload zip
          <input
            type="file"
            accept=".zip,application/zip"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              if (file !== undefined) void upload(file);
              e.currentTarget.value = '';
            }}
          />
        </label>
      </div>
      <div class="toolbar" role="group" aria-label="New pipeline">
        <label class="inline">
          Source type
          <select
            value={dbType}
            onChange={(e) => {
              setDbType(e.currentTarget.value as DbType);
            }}
          >
            {DB_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label class="inline">
          Name
          <input
            value={newName}
            placeholder={pipeline}
            onInput={(e) => {
              setNewName(e.currentTarget.value);
            }}
          />
        </label>
        <button type="button" onClick={scaffold}>
          New pipeline from template
        </button>
      </div>
      {message !== undefined && (
        <p class={message.error ? 'error' : 'notice'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      <div class="editor-grid">
        <nav class="file-tree" aria-label="Pipeline files">
          <ul>
            {paths.map((path) => {
              const count = problemsOf(path).length;
              return (
                <li key={path} class={kindOf(path)}>
                  <button
                    type="button"
                    aria-current={path === current ? 'true' : undefined}
                    onClick={() => {
                      setSelected(path);
                    }}
                  >
                    {path}
                    {workspace.modified(path) ? ' •' : ''}
                    {count > 0 && (
                      <span class="badge" aria-label={`${count} problems`}>
                        {count}
                      </span>
                    )}
                  </button>
                </li>
              );
            })}
          </ul>
          <label>
            New job file
            <input
              value={newFile}
              placeholder="job name"
              onInput={(e) => {
                setNewFile(e.currentTarget.value);
              }}
            />
          </label>
          <div class="row">
            <button
              type="button"
              onClick={() => {
                addFile(false);
              }}
            >
              Add job
            </button>
            <button
              type="button"
              onClick={() => {
                addFile(true);
              }}
            >
              Add job test
            </button>
          </div>
          {current !== undefined && current !== CONFIG_FILE && (
            <button
              type="button"
              onClick={() => {
                if (confirm(`Delete ${current}? It goes with the next deploy.`))
                  workspace.remove(current);
              }}
            >
              Delete {current}
            </button>
          )}
        </nav>
        <div class="editor-pane">
          {current === undefined || text === undefined ? (
            <p>No files: scaffold a pipeline or upload a zip.</p>
          ) : (
            <>
              <h2 id="editor-file">{current}</h2>
              <CodeEditor
                path={current}
                text={text}
                problems={currentProblems}
                secretNames={() => secretNamesRef.current}
                onChange={onChange}
                {...(jump === undefined ? {} : { jump })}
              />
            </>
          )}
          <section class="problems" aria-label="Problems">
            <h2>Problems ({allProblems.length})</h2>
            {allProblems.length === 0 ? (
              <p>None found.</p>
            ) : (
              <ul>
                {allProblems.map((p, i) => (
                  <li key={i}>
                    <button
                      type="button"
                      class="link"
                      onClick={() => {
                        setSelected(p.path);
                        setJump({ line: p.line, column: p.column, seq: Date.now() });
                      }}
                    >
                      {p.path}:{p.line}:{p.column}
                    </button>{' '}
                    <span class="source">{p.source === 'api' ? 'API' : 'loader'}</span>{' '}
                    {p.message.replace(/^\S+:\d+:\d+: /, '')}
                  </li>
                ))}
              </ul>
            )}
          </section>
          {allWarnings.length > 0 && (
            <section class="problems warnings" aria-label="Warnings">
              <h2>Warnings ({allWarnings.length})</h2>
              <ul>
                {allWarnings.map((p, i) => (
                  <li key={i} class="warning">
                    <button
                      type="button"
                      class="link"
                      onClick={() => {
                        setSelected(p.path);
                        setJump({ line: p.line, column: p.column, seq: Date.now() });
                      }}
                    >
                      {p.path}:{p.line}:{p.column}
                    </button>{' '}
                    {p.message}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>
        <SecretsPanel
          client={client}
          secrets={secrets}
          referenced={workspace.text(CONFIG_FILE) ?? ''}
        />
      </div>
    </section>
  );
}
