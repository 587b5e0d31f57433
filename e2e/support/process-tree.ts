// The processes below a pid, read from /proc (Linux), each identified by pid and start time
// so that a pid reused later is not mistaken for a survivor: for tests that stop a whole
// tree of servers and must prove that nothing was left behind.
import { readdir, readFile } from 'node:fs/promises';

export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  /** Start time in clock ticks since boot (field 22 of /proc/<pid>/stat). */
  readonly start: string;
  /** Command line, arguments separated by spaces. */
  readonly command: string;
}

/** Every live (not zombie) process of the machine. */
export async function listProcesses(): Promise<ProcessInfo[]> {
  const found: ProcessInfo[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = await processInfo(Number(name));
    if (info !== undefined) found.push(info);
  }
  return found;
}

/** The live descendants of `root` (children, their children, …), not `root` itself. */
export async function descendants(root: number): Promise<ProcessInfo[]> {
  const all = await listProcesses();
  const below = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) {
      if (below.has(p.ppid) && !below.has(p.pid)) {
        below.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => p.pid !== root && below.has(p.pid));
}

/** Those of `processes` that still run (same pid, same start time). */
export async function stillRunning(processes: readonly ProcessInfo[]): Promise<ProcessInfo[]> {
  const running: ProcessInfo[] = [];
  for (const p of processes) {
    const now = await processInfo(p.pid);
    if (now !== undefined && now.start === p.start) running.push(p);
  }
  return running;
}

async function processInfo(pid: number): Promise<ProcessInfo | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself hold spaces or ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [state, ppid] = fields;
    const start = fields[19];
    if (state === undefined || ppid === undefined || start === undefined || state === 'Z') {
      return undefined;
    }
    const command = (await readFile(`/proc/${pid}/cmdline`, 'utf8'))
      .split('\0')
      .filter((part) => part !== '')
      .join(' ');
    return { pid, ppid: Number(ppid), start, command };
  } catch {
    // Gone meanwhile.
    return undefined;
  }
}
