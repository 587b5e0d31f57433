// Summarizes a V8 .cpuprofile (node --cpu-prof): self time per function (name, file:line),
// the top N with their share of all samples, as a Markdown table.
//   node bench/summarize-profile.ts <file.cpuprofile> [top=15]
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface SelfTime {
  readonly name: string;
  readonly location: string;
  readonly ms: number;
  readonly percent: number;
}

const REPO = fileURLToPath(new URL('..', import.meta.url));

function locationOf(node: ProfileNode): string {
  const { url, lineNumber } = node.callFrame;
  if (url === '') return '';
  const path = url.startsWith('file://') ? relative(REPO, fileURLToPath(url)) : url;
  return `${path}:${lineNumber + 1}`;
}

export function selfTimes(profile: CpuProfile): SelfTime[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const micros = new Map<string, { name: string; location: string; us: number }>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[i] ?? 0;
    if (node === undefined) return;
    total += delta;
    const name = node.callFrame.functionName || '(anonymous)';
    const location = locationOf(node);
    const key = `${name}@${location}`;
    const entry = micros.get(key) ?? { name, location, us: 0 };
    entry.us += delta;
    micros.set(key, entry);
  });
  return [...micros.values()]
    .sort((a, b) => b.us - a.us)
    .map((e) => ({ ...e, ms: e.us / 1_000, percent: (100 * e.us) / Math.max(total, 1) }));
}

export function profileTable(rows: readonly SelfTime[], top: number): string {
  const lines = ['| # | function | where | self ms | self % |', '|---|---|---|---:|---:|'];
  rows.slice(0, top).forEach((r, i) => {
    lines.push(
      `| ${i + 1} | \`${r.name}\` | ${r.location || '(native)'} | ${r.ms.toFixed(0)} | ${r.percent.toFixed(1)} |`,
    );
  });
  return lines.join('\n');
}

export async function summarizeProfile(file: string, top = 15): Promise<string> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  return profileTable(selfTimes(profile), top);
}

if (import.meta.main) {
  const [file, top] = process.argv.slice(2);
  if (file === undefined) throw new Error('usage: summarize-profile.ts <file.cpuprofile> [top]');
  console.log(await summarizeProfile(file, top === undefined ? 15 : Number(top)));
}
