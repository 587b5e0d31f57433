// Where a RedisJSON build is available to the tests: no Debian package ships the module, so the
// JSON tests load the file that SLUICE_REDISJSON_MODULE names (scripts/test.sh sets it when the
// team's test build sits beside the checkout) and skip, saying why, elsewhere.
import { existsSync } from 'node:fs';

/** The module file's path, or undefined when none is configured or the file is missing. */
export function redisJsonModule(): string | undefined {
  const file = process.env['SLUICE_REDISJSON_MODULE'];
  return file !== undefined && file !== '' && existsSync(file) ? file : undefined;
}

/** `modules` option of startRedis: the RedisJSON build when there is one. */
export function withRedisJson(): { modules: readonly string[] } {
  const file = redisJsonModule();
  return { modules: file === undefined ? [] : [file] };
}
