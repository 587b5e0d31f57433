// Job file loading: RDI defaults, unknown keys with file:line:col and hints, block variants,
// job rules, sql and cache blocks accepted, test files, and one job per table across a folder.
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadJobFolder, parseJobFile } from './load-jobs.ts';

const parse = (text: string) => parseJobFile(text, 'jobs/j.yaml', { KEY_PREFIX: 'cust' });

describe('parseJobFile', () => {
  it("fills RDI's defaults and names the job after its file", () => {
    const job = parse(
      'source:\n  table: customers\noutput:\n  - uses: redis.write\n    with:\n      data_type: hash\n',
    );
    expect(job.name).toBe('j');
    expect(job.job.source).toEqual({
      table: 'customers',
      row_format: 'partial',
      case_insensitive: true,
    });
    expect(job.job.output?.[0]?.with.connection).toBe('target');
  });

  it('rejects an unknown key inside a block with its location and a hint', () => {
    const text =
      'source:\n  table: t\ntransform:\n  - uses: add_field\n    with:\n      feild: x\n      expression: y\n';
    expect(() => parse(text)).toThrow(
      /jobs\/j\.yaml:6:7: unknown key 'feild' \(at 'transform\.0\.with\.feild'\) Hint: did you mean 'field'\?/,
    );
  });

  it('rejects an unknown block kind and a bad data type', () => {
    expect(() =>
      parse('source:\n  table: t\ntransform:\n  - uses: add_fields\n    with: {}\n'),
    ).toThrow(/4:11: must be one of: add_field/);
    expect(() =>
      parse(
        'source:\n  table: t\noutput:\n  - uses: redis.write\n    with:\n      data_type: list\n',
      ),
    ).toThrow(/6:18: must be one of: hash, json/);
  });

  it('needs field + expression or fields, and the args of each data type', () => {
    expect(() =>
      parse('source:\n  table: t\ntransform:\n  - uses: add_field\n    with:\n      field: x\n'),
    ).toThrow(/missing required key 'expression'/);
    expect(() =>
      parse(
        'source:\n  table: t\noutput:\n  - uses: redis.write\n    with:\n      data_type: sorted_set\n',
      ),
    ).toThrow(/sorted_set needs args.score/);
  });

  it('accepts language sql and RDI cache blocks', () => {
    const text =
      'source:\n  table: t\ntransform:\n  - uses: filter\n    with:\n      expression: a > 1\n      language: sql\n      cache:\n        enabled: true\n';
    const job = parse(text);
    expect(job.job.transform?.[0]).toMatchObject({
      with: { language: 'sql', cache: { enabled: true, max_size: 1000, ttl_seconds: 60 } },
    });
  });

  it('resolves ${NAME} and reports a missing one', () => {
    const job = parse(
      'source:\n  table: t\noutput:\n  - uses: redis.write\n    with:\n      key:\n        expression: "\'${KEY_PREFIX}:\' & id"\n',
    );
    expect(job.job.output?.[0]?.with.key?.expression).toBe("'cust:' & id");
    expect(() => parse('source:\n  table: ${NOPE}\n')).toThrow(/\$\{NOPE\} is not set/);
  });

  it('requires nest to write JSON with merge', () => {
    const text =
      'source:\n  table: t\noutput:\n  - uses: redis.write\n    with:\n      data_type: hash\n      nest:\n        parent:\n          table: p\n        nesting_key: id\n        parent_key: pid\n        path: $.items\n';
    expect(() => parse(text)).toThrow(/nest writes into JSON documents/);
  });
});

describe('loadJobFolder', () => {
  async function folder(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-jobs-'));
    await mkdir(join(dir, 'jobs'));
    for (const [name, text] of Object.entries(files))
      await writeFile(join(dir, 'jobs', name), text);
    return dir;
  }

  it('loads every job and attaches the tests of sibling .test.yaml files', async () => {
    const dir = await folder({
      'a.yaml': 'source:\n  table: a\n',
      'a.test.yaml':
        'tests:\n  - name: t\n    input:\n      - key: {id: 1}\n        after: {id: 1}\n    expect:\n      commands: []\n',
      'b.yml': 'source:\n  table: "*"\n',
    });
    const jobs = await loadJobFolder(dir, {});
    expect(jobs.map((j) => j.name)).toEqual(['a', 'b']);
    expect(jobs[0]?.tests.map((t) => t.name)).toEqual(['t']);
  });

  it('enforces one job per table, case-insensitively, naming both files', async () => {
    const dir = await folder({
      'one.yaml': 'source:\n  table: Customers\n',
      'two.yaml': 'source:\n  table: customers\n',
    });
    await expect(loadJobFolder(dir, {})).rejects.toThrow(
      /table 'customers' has two jobs: .*one\.yaml and .*two\.yaml/,
    );
  });
});
