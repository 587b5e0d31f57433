// A short hash of the processor's source (processor/, pipeline/, common/, tracked or not), so
// each recorded result says which code it measured, and a run can tell that the code changed
// under it (others edit the processor while the benchmark runs).
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const FOLDERS = ['processor', 'pipeline', 'common'];

export async function codeFingerprint(): Promise<string> {
  const hash = createHash('sha256');
  for (const folder of FOLDERS) {
    const files = (await readdir(join(ROOT, folder), { recursive: true }))
      .filter((f) => /\.(ts|lua)$/.test(f) && !f.endsWith('.test.ts'))
      .sort();
    for (const file of files) {
      hash.update(`${folder}/${file}\0`);
      hash.update(await readFile(join(ROOT, folder, file)));
    }
  }
  return hash.digest('hex').slice(0, 12);
}
