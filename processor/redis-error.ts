// The one place that maps Redis error replies and connection failures to coded errors.
// Matching on reply text is allowed here and nowhere else.

import { SluiceError } from '../common/errors.ts';

export function classifyRedisError(error: unknown, what: string): SluiceError {
  if (error instanceof SluiceError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const prefix = message.split(' ', 1)[0] ?? '';
  switch (prefix) {
    case 'WRONGTYPE':
      return new SluiceError('TARGET_WRONGTYPE', `${what}: a key holds another data type.`, {
        cause: error,
      });
    case 'CROSSSLOT':
      // A multi-key command on a Redis Cluster whose keys live in different slots: retrying
      // cannot help, the command itself must change.
      return new SluiceError(
        'TARGET_CROSSSLOT',
        `${what}: the keys of one command are in different slots of the Redis Cluster.`,
        { cause: error, hint: 'on a cluster target, give keys of one command a common {hash tag}' },
      );
    case 'OOM':
      return new SluiceError('TARGET_OOM', `${what}: the Redis server is out of memory.`, {
        cause: error,
      });
    case 'LOADING':
      return new SluiceError('TARGET_LOADING', `${what}: the Redis server is loading its data.`, {
        cause: error,
      });
    case 'READONLY':
      return new SluiceError(
        'TARGET_READONLY',
        `${what}: the Redis server is a read-only replica.`,
        { cause: error },
      );
    case 'FENCED':
      return new SluiceError(
        'FENCED',
        `${what}: refused, a newer leader (epoch ${message.split(' ')[1] ?? '?'}) has written to the target.`,
        { cause: error },
      );
    default:
      return new SluiceError('TARGET_UNAVAILABLE', `${what}: ${message}`, { cause: error });
  }
}

/**
 * A lookup's failure: an `ERR` reply means the command this record built is wrong (a missing
 * argument, a bad number): a reject, since retrying cannot help. Everything else as above.
 */
export function classifyLookupError(error: unknown, what: string): SluiceError {
  if (error instanceof Error && error.name === 'ReplyError' && error.message.startsWith('ERR ')) {
    return new SluiceError('JOB_LOOKUP_FAILED', `${what} was refused: ${error.message}`, {
      cause: error,
      hint: "check the lookup's cmd and args for this record",
    });
  }
  return classifyRedisError(error, what);
}
