// The raw Redis limit on this machine: redis-benchmark pipelining (-P 16) an HSET with the same
// field count and value size as the benchmark's rows, over 100,000 random keys.
import { spawn } from 'node:child_process';

export interface HashShape {
  readonly fieldCount: number;
  /** Mean bytes of one field value. */
  readonly valueBytes: number;
}

export function hsetArgs(shape: HashShape): string[] {
  const value = 'v'.repeat(Math.max(1, Math.round(shape.valueBytes)));
  const args = ['hset', 'key:__rand_int__'];
  for (let i = 1; i <= shape.fieldCount; i++) args.push(`f${i}`, value);
  return args;
}

/** Requests per second that redis-benchmark reports for the HSET against `port`. */
export async function rawHsetLimit(port: number, shape: HashShape): Promise<number> {
  const args = [
    ...['-h', '127.0.0.1', '-p', String(port), '-P', '16', '-n', '1000000', '-r', '100000', '-q'],
    ...hsetArgs(shape),
  ];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('redis-benchmark', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(text);
      else reject(new Error(`redis-benchmark exited with ${code}: ${text.slice(-500)}`));
    });
  });
  // -q prints progress lines separated by \r; the final one holds the result.
  const rates = [...output.matchAll(/([\d.]+) requests per second/g)].map((m) => Number(m[1]));
  const rate = rates.at(-1);
  if (rate === undefined)
    throw new Error(`unexpected redis-benchmark output: ${output.slice(-500)}`);
  return rate;
}
