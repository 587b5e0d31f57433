// The job engine alone, in one process and without Redis: decode + plan of captured entries
// with the default job and with the three-step JSONata job of run-processor-bench.ts, so
// that the cost of the expressions can be profiled apart from I/O.
//   node bench/job-engine-bench.ts [--entries 50000] [--rounds 5] [--jsonata-only]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { parseJobFile } from '../pipeline/load-jobs.ts';
import { compileJob } from '../processor/jobs/compile-job.ts';
import { createPipelineJob } from '../processor/core/jobs/pipeline-job.ts';
import { processEntriesAsync } from '../processor/core/process-entries.ts';
import { toStreamEntry, type StreamEntry } from '../processor/core/stream-entry.ts';
import { entriesFile } from './bench-paths.ts';
import { BENCH_TABLES } from './bench-tables.ts';
import { readEntries } from './entries-file.ts';
import { jsonataJobYaml } from './jsonata-job.ts';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '50000' },
    rounds: { type: 'string', default: '5' },
    // For profiling: time only the JSONata job.
    'jsonata-only': { type: 'boolean', default: false },
  },
});
const limit = Number(values.entries);
const rounds = Number(values.rounds);

const byStream = new Map<string, StreamEntry[]>();
let count = 0;
for (const captured of await readEntries(entriesFile())) {
  if (count >= limit) break;
  const list = byStream.get(captured.stream) ?? [];
  list.push(toStreamEntry(captured.id, captured.fields));
  byStream.set(captured.stream, list);
  count += 1;
}

const ports = { now: () => Date.now(), uuid: randomUUID };
const defaultJob = createPipelineJob([], ports);
const jsonataJob = createPipelineJob(
  BENCH_TABLES.map((table) =>
    compileJob(parseJobFile(jsonataJobYaml(table.name), `${table.name}.yaml`, {})),
  ),
  ports,
);

async function timeOnce(job: typeof defaultJob): Promise<number> {
  const started = performance.now();
  let ops = 0;
  for (const [stream, entries] of byStream) {
    for (let i = 0; i < entries.length; i += 2000) {
      const processed = await processEntriesAsync(entries.slice(i, i + 2000), job, stream);
      ops += processed.ops.length;
      if (processed.rejected.length > 0) throw new Error(String(processed.rejected[0]?.error));
    }
  }
  if (ops === 0) throw new Error('no ops planned');
  return count / ((performance.now() - started) / 1000);
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const rates = { default: [] as number[], jsonata: [] as number[] };
for (let round = 0; round < rounds; round += 1) {
  if (!values['jsonata-only'] || round === 0) rates.default.push(await timeOnce(defaultJob));
  rates.jsonata.push(await timeOnce(jsonataJob));
}
const d = median(rates.default);
const j = median(rates.jsonata);
console.log(
  `${String(count)} entries, ${String(rounds)} rounds: default job ${Math.round(d)}/s, ` +
    `3-step JSONata job ${Math.round(j)}/s (${Math.round((100 * j) / d)} %)`,
);
