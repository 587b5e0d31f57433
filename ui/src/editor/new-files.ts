// The text of a job file and of a job test file added in the editor: valid as they stand, so
// a new file starts without problems.

export function newJob(table: string): string {
  return `source:
  table: ${table}
output:
  - uses: redis.write
    with:
      data_type: hash
`;
}

export function newJobTest(): string {
  return `tests:
  - name: writes a new row
    input:
      - op: c
        key: { id: 1 }
        after: { id: 1 }
    expect:
      records:
        - { id: 1 }
`;
}
