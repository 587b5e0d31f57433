// The `${NAME}` environment of a dry run or trace: every stored secret name maps to a fixed
// placeholder, so a job that references a secret compiles, yet no secret value can reach a
// transformed record or command in a response.

import type { Environment } from '../../pipeline/env-references.ts';

export const REDACTED = '<redacted>';

export function redactedEnvironment(secretNames: readonly string[]): Environment {
  return Object.fromEntries(secretNames.map((name) => [name, REDACTED]));
}
