// The benchmark's job with three JSONata steps (an add_field, a filter that keeps every row,
// a map that reshapes the record) and the default output: the cost of the job engine itself.
export function jsonataJobYaml(table: string): string {
  return [
    'source:',
    `  table: ${table}`,
    'transform:',
    '  - uses: add_field',
    '    with:',
    '      field: synced_by',
    `      expression: "'sluice'"`,
    '  - uses: filter',
    '    with:',
    '      expression: id > 0',
    '  - uses: map',
    '    with:',
    '      expression: |',
    '        $merge([$, {"id_text": $string(id)}])',
    '',
  ].join('\n');
}
