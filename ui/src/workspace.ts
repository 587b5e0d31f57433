// The pipeline folder being edited, in memory: config.yaml, jobs/<name>.yaml and job tests
// (jobs/<name>.test.yaml). Deploys send config.yaml and the jobs (the API stores no tests);
// a zip download keeps everything. Screens re-render through subscribe().

import { useEffect, useState } from 'preact/hooks';
import type { ApiPipelineBody } from '../../api/schemas/api-types.ts';

export const CONFIG_FILE = 'config.yaml';

export type FileKind = 'config' | 'job' | 'test' | 'other';

export function kindOf(path: string): FileKind {
  if (path === CONFIG_FILE) return 'config';
  if (/^jobs\/[^/]+\.test\.ya?ml$/.test(path)) return 'test';
  if (/^jobs\/[^/]+\.ya?ml$/.test(path)) return 'job';
  return 'other';
}

/** The job name of `jobs/<name>.yaml`. */
export function jobNameOf(path: string): string {
  return path.replace(/^jobs\//, '').replace(/\.ya?ml$/, '');
}

function order(path: string): string {
  return `${kindOf(path) === 'config' ? '0' : '1'}${path}`;
}

export class Workspace {
  #files = new Map<string, string>();
  #saved = new Map<string, string>();
  #listeners = new Set<() => void>();
  /** The pipeline the files came from (or will be deployed as). */
  pipeline: string | undefined;
  /** Revision of the deployed pipeline the files were loaded from. */
  revision: number | undefined;

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  /** Replaces every file; `saved` marks them as the deployed state. */
  load(pipeline: string, files: ReadonlyMap<string, string>, revision?: number, saved = true) {
    this.pipeline = pipeline;
    this.revision = revision;
    this.#files = new Map(files);
    this.#saved = saved ? new Map(files) : new Map<string, string>();
    this.#changed();
  }

  paths(): string[] {
    return [...this.#files.keys()].sort((a, b) => order(a).localeCompare(order(b)));
  }

  text(path: string): string | undefined {
    return this.#files.get(path);
  }

  set(path: string, text: string): void {
    if (this.#files.get(path) === text) return;
    this.#files.set(path, text);
    this.#changed();
  }

  remove(path: string): void {
    if (this.#files.delete(path)) this.#changed();
  }

  modified(path: string): boolean {
    return this.#saved.get(path) !== this.#files.get(path);
  }

  anyModified(): boolean {
    return this.paths().some((p) => this.modified(p)) || this.#saved.size !== this.#files.size;
  }

  markSaved(revision: number): void {
    this.revision = revision;
    this.#saved = new Map(this.#files);
    this.#changed();
  }

  /** Job name → text of every job file (tests excluded). */
  jobs(): Record<string, string> {
    const jobs: Record<string, string> = {};
    for (const [path, text] of this.#files) {
      if (kindOf(path) === 'job') jobs[jobNameOf(path)] = text;
    }
    return jobs;
  }

  /** What a deploy sends (PUT /pipelines/{name}). */
  body(): ApiPipelineBody {
    return { config: this.#files.get(CONFIG_FILE) ?? '', jobs: this.jobs() };
  }

  entries(): [string, string][] {
    return this.paths().map((p) => [p, this.#files.get(p) ?? '']);
  }
}

/** Re-renders the calling component whenever the workspace changes. */
export function useWorkspace(workspace: Workspace): void {
  const [, setVersion] = useState(0);
  useEffect(
    () =>
      workspace.subscribe(() => {
        setVersion((v) => v + 1);
      }),
    [workspace],
  );
}
