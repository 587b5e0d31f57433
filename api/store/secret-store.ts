// Secrets (`${NAME}` values of config.yaml) in the RDI database. The api writes, deletes and
// lists names; values leave this module only towards validation and connection tests.

import type { Redis } from 'ioredis';
import { SluiceError } from '../../common/errors.ts';
import { SECRETS_KEY } from '../../pipeline/redis-keys.ts';

export async function listSecretNames(rdi: Redis): Promise<string[]> {
  return (await rdi.hkeys(SECRETS_KEY)).sort();
}

export async function setSecret(rdi: Redis, name: string, value: string): Promise<boolean> {
  return (await rdi.hset(SECRETS_KEY, name, value)) === 1;
}

export async function deleteSecret(rdi: Redis, name: string): Promise<void> {
  if ((await rdi.hdel(SECRETS_KEY, name)) === 0) {
    throw new SluiceError('SECRET_NOT_FOUND', `There is no secret named '${name}'.`);
  }
}

/** Every secret by name: the environment `${NAME}` references are resolved from. Internal. */
export async function readSecretValues(rdi: Redis): Promise<Record<string, string>> {
  return rdi.hgetall(SECRETS_KEY);
}
