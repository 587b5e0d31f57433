// Checks a login against the RDI database's own users: AUTH on a fresh connection that is
// closed right after, so the api's shared connection never changes identity.

import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { SluiceError } from '../../common/errors.ts';
import type { Authenticator } from '../deps.ts';

/** Connection options of the RDI database (host, port, tls…), without credentials. */
export type RdiAddress = Pick<RedisOptions, 'host' | 'port' | 'tls' | 'db'>;

export function rdiAuthenticator(address: RdiAddress, timeoutMs = 5_000): Authenticator {
  return async (username, password) => {
    const client = new Redis({
      ...address,
      lazyConnect: true,
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      enableReadyCheck: false,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      client.disconnect();
      throw new SluiceError(
        'RDI_DB_UNAVAILABLE',
        'Cannot reach the RDI database to check the login.',
        {
          cause: error,
        },
      );
    }
    try {
      await client.call('AUTH', username, password);
      return true;
    } catch (error) {
      if (isWrongPassword(error)) return false;
      throw new SluiceError('RDI_DB_UNAVAILABLE', 'The RDI database could not check the login.', {
        cause: error,
      });
    } finally {
      client.disconnect();
    }
  };
}

/** The one place that reads AUTH's reply text. */
function isWrongPassword(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return /^(WRONGPASS|ERR AUTH|ERR invalid password|NOPERM)/.test(error.message);
}
