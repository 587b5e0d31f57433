// Fills the workspace with a deployed pipeline's folder (GET /pipelines/{name}).

import type { ApiPipeline } from '../../api/schemas/api-types.ts';
import { ApiFailure, pipelinePath, type ApiClient } from './api-client.ts';
import { CONFIG_FILE, type Workspace } from './workspace.ts';

/** 'loaded', or 'missing' when no pipeline has that name (the workspace is then empty). */
export async function loadPipeline(
  client: ApiClient,
  workspace: Workspace,
  name: string,
): Promise<{ outcome: 'loaded'; revision: number } | { outcome: 'missing' }> {
  try {
    const p = await client.get<ApiPipeline>(pipelinePath(name));
    const files = new Map([[CONFIG_FILE, p.config]]);
    for (const [job, text] of Object.entries(p.jobs)) files.set(`jobs/${job}.yaml`, text);
    workspace.load(name, files, p.revision);
    return { outcome: 'loaded', revision: p.revision };
  } catch (error) {
    if (!(error instanceof ApiFailure) || error.status !== 404) throw error;
    workspace.load(name, new Map(), undefined, false);
    return { outcome: 'missing' };
  }
}
