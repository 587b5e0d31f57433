// Checks of a job file that its JSON Schema cannot express: `field` xor `fields`, the args each
// data type needs and nest's constraints. Runs on a job file whose blocks already match their
// schemas. (Expressions are checked when they are compiled: syntax, functions, arity.)

import type { ConfigProblem } from './config-problem.ts';
import type { JobFileData, OutputBlock, TransformBlock } from './job-schema.ts';
import type { YamlPath } from './yaml-document.ts';

export function jobRuleProblems(job: JobFileData): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  (job.transform ?? []).forEach((block, index) => {
    problems.push(...transformProblems(block, ['transform', index, 'with']));
  });
  (job.output ?? []).forEach((block, index) => {
    problems.push(...outputProblems(block, ['output', index, 'with']));
  });
  return problems;
}

function eitherOr(
  values: Record<string, unknown>,
  single: readonly string[],
  at: YamlPath,
): ConfigProblem[] {
  const hasList = values['fields'] !== undefined;
  const given = single.filter((key) => values[key] !== undefined);
  if (hasList && given.length > 0) {
    return [
      invalid([...at, given[0] ?? ''], `give either ${single.join(' + ')} or fields, not both`),
    ];
  }
  if (!hasList && given.length < single.length) {
    const absent = single.find((key) => values[key] === undefined) ?? '';
    return [
      {
        code: 'CONFIG_INVALID',
        path: at,
        part: 'key',
        message: `missing required key '${absent}'`,
        hint: `give ${single.join(' + ')}, or a list of fields`,
      },
    ];
  }
  return [];
}

function transformProblems(block: TransformBlock, at: YamlPath): ConfigProblem[] {
  switch (block.uses) {
    case 'add_field':
      return eitherOr(block.with, ['field', 'expression'], at);
    case 'remove_field':
      return eitherOr(block.with, ['field'], at);
    case 'rename_field':
      return eitherOr(block.with, ['from_field', 'to_field'], at);
    default:
      return [];
  }
}

function outputProblems(block: OutputBlock, at: YamlPath): ConfigProblem[] {
  const options = block.with;
  const problems: ConfigProblem[] = [];
  const args = options.args ?? {};
  const need = (name: 'member' | 'score', type: string): void => {
    if (args[name] === undefined) {
      problems.push({
        code: 'CONFIG_INVALID',
        path: [...at, options.args === undefined ? 'data_type' : 'args'],
        part: 'key',
        message: `data_type ${type} needs args.${name}`,
      });
    }
  };
  if (options.data_type === 'set') need('member', 'set');
  if (options.data_type === 'sorted_set') {
    need('score', 'sorted_set');
    need('member', 'sorted_set');
  }
  if (options.nest !== undefined) {
    if (options.data_type !== undefined && options.data_type !== 'json') {
      problems.push(
        invalid([...at, 'data_type'], 'nest writes into JSON documents: use data_type json'),
      );
    }
    if (options.on_update === 'replace') {
      problems.push(invalid([...at, 'on_update'], 'nest needs on_update merge'));
    }
    if (options.key !== undefined) {
      problems.push(invalid([...at, 'key'], "nest writes to the parent's key; remove key"));
    }
  }
  if (options.on_update !== undefined && !['hash', 'json', undefined].includes(options.data_type)) {
    problems.push(invalid([...at, 'on_update'], 'on_update applies to hash and json outputs'));
  }
  return problems;
}

function invalid(path: YamlPath, message: string): ConfigProblem {
  return { code: 'CONFIG_INVALID', path, part: 'value', message };
}
