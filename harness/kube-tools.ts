// Where the Kubernetes tools that scripts/install-k8s-tools.sh builds are: one folder per tool
// and version under ${SLUICE_CACHE:-~/.cache/sluice}, as scripts/built-tools.txt lists them.

import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
export const BUILT_TOOLS_MANIFEST = join(ROOT, 'scripts', 'built-tools.txt');

export type KubeTool = 'helm' | 'kubeconform' | 'kube-apiserver' | 'kubectl' | 'etcd';

export interface BuiltTool {
  readonly program: string;
  readonly version: string;
  readonly folder: string;
}

/** The manifest's rows. */
export function builtTools(): BuiltTool[] {
  const tools: BuiltTool[] = [];
  for (const line of readFileSync(BUILT_TOOLS_MANIFEST, 'utf8').split('\n')) {
    const [program, version, folder] = line.trim().split(/\s+/);
    if (program === undefined || program === '' || program.startsWith('#')) continue;
    if (version === undefined || folder === undefined) {
      throw new Error(`built-tools.txt: ${program} needs a version and a folder`);
    }
    tools.push({ program, version, folder });
  }
  return tools;
}

export function sluiceCache(): string {
  return process.env.SLUICE_CACHE ?? join(homedir(), '.cache', 'sluice');
}

/** Absolute path of a built tool; throws, saying how to build it, when it is missing. */
export function kubeTool(program: KubeTool): string {
  const tool = builtTools().find((row) => row.program === program);
  if (tool === undefined) throw new Error(`${program} is not in scripts/built-tools.txt`);
  const path = join(sluiceCache(), tool.folder, program);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`${path} is missing: run scripts/install-k8s-tools.sh (scripts/test.sh does)`);
  }
  return path;
}

/** Folder of kubeconform's strict schemas for the API server's version. */
export function kubeSchemaDir(): string {
  const version = builtTools().find((row) => row.program === 'kube-apiserver')?.version ?? '';
  return join(sluiceCache(), `kubeconform-schemas-${version}`);
}
