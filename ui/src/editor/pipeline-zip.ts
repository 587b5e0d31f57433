// The pipeline folder as a zip, like the folder `sluice deploy --dir` reads: config.yaml and
// jobs/*.yaml (job tests included) under one top folder named after the pipeline.

import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';

export function zipFolder(folder: string, entries: readonly [string, string][]): Uint8Array {
  return zipSync(
    Object.fromEntries(entries.map(([path, text]) => [`${folder}/${path}`, strToU8(text)])),
  );
}

/**
 * The files of a zipped pipeline folder: config.yaml and jobs/*.yaml, at the top of the zip or
 * inside one folder. Anything else is left out; a zip without config.yaml is refused.
 */
export function unzipFolder(data: Uint8Array): Map<string, string> {
  const entries = unzipSync(data);
  const names = Object.keys(entries).filter((name) => !name.endsWith('/'));
  const config = names
    .filter((name) => /(^|\/)config\.yaml$/.test(name))
    .sort((a, b) => a.length - b.length)[0];
  if (config === undefined) throw new Error('The zip holds no config.yaml.');
  const prefix = config.slice(0, -'config.yaml'.length);
  const files = new Map<string, string>();
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const path = name.slice(prefix.length);
    if (path !== 'config.yaml' && !/^jobs\/[^/]+\.ya?ml$/.test(path)) continue;
    const bytes = entries[name];
    if (bytes !== undefined) files.set(path, strFromU8(bytes));
  }
  return files;
}
