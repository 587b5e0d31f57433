// The captured-entries file: one `{"stream","id","fields"}` JSON line per stream entry, exactly
// as XRANGE returned it (key, value and the extended format's header fields), gzip-compressed.
import { createReadStream, createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';

export interface CapturedEntry {
  readonly stream: string;
  readonly id: string;
  /** Field, value, field, value… in stored order. */
  readonly fields: readonly string[];
}

/** Writes the entries to `file` through a temporary name, so a half-written file never exists. */
export async function writeEntries(
  file: string,
  entries: AsyncIterable<CapturedEntry>,
): Promise<void> {
  const partial = `${file}.partial`;
  async function* lines(): AsyncGenerator<string> {
    for await (const entry of entries) yield `${JSON.stringify(entry)}\n`;
  }
  await pipeline(Readable.from(lines()), createGzip({ level: 6 }), createWriteStream(partial));
  await rename(partial, file);
}

export async function readEntries(file: string): Promise<CapturedEntry[]> {
  const input = createReadStream(file).pipe(createGunzip());
  const entries: CapturedEntry[] = [];
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (line !== '') entries.push(JSON.parse(line) as CapturedEntry);
  }
  return entries;
}
