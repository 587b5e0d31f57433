// Reads the last lines of a (possibly large, still growing) log file, so that an error about
// a process that died can show why without loading the whole log.
import { open } from 'node:fs/promises';

// Debezium's JSON log records carry stack frames and can be several KB each.
const DEFAULT_MAX_BYTES = 512 * 1024;

/** The last `lines` lines of `file`, or '' when it does not exist. */
export async function readLogTail(
  file: string,
  lines = 40,
  maxBytes = DEFAULT_MAX_BYTES,
): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const all = buffer.toString('utf8').split('\n');
    if (all.at(-1) === '') all.pop();
    // A read starting mid-file begins with a partial line.
    if (length < size) all.shift();
    return all.slice(-lines).join('\n');
  } finally {
    await handle.close();
  }
}
