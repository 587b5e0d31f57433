// A logged-in user's role, read from the RDI database's own ACL, so that the rights an
// administrator gives a Redis user are the rights that user has in the api:
//   admin    — may write the secrets hash      (ACL DRYRUN <user> HSET sluice:secrets …)
//   operator — may write pipeline definitions  (ACL DRYRUN <user> HSET sluice:pipeline:… …)
//   viewer   — may read pipeline definitions   (ACL DRYRUN <user> HGET sluice:pipeline:… …)
// A user who no longer exists or is disabled (`off`) loses access. Answers are cached for a
// few seconds per user, so a change of the ACL takes effect within that time.

import type { Redis } from 'ioredis';
import { SluiceError } from '../../common/errors.ts';
import { pipelineKey, SECRETS_KEY } from '../../pipeline/redis-keys.ts';
import type { Clock } from '../../processor/ports.ts';
import type { Role } from './roles.ts';

/** The role of a user, or undefined when they may do nothing; throws when they are gone. */
export type RightsResolver = (username: string) => Promise<Role | undefined>;

/** How long a user's role is trusted before the ACL is read again. */
export const RIGHTS_CACHE_MS = 2_000;

// Probe names no real pipeline or secret has: the checks only ask the ACL, never touch data.
const PROBE_PIPELINE = pipelineKey('sluice-acl-probe');
const CHECKS: readonly (readonly [Role, readonly string[]])[] = [
  ['admin', ['HSET', SECRETS_KEY, 'SLUICE_ACL_PROBE', 'x']],
  ['operator', ['HSET', PROBE_PIPELINE, 'config', 'x']],
  ['viewer', ['HGET', PROBE_PIPELINE, 'config']],
];

export function aclRights(rdi: Redis, clock: Clock, cacheMs = RIGHTS_CACHE_MS): RightsResolver {
  const cache = new Map<string, { role: Role | undefined; until: number }>();
  return async (username) => {
    const now = clock.now();
    const cached = cache.get(username);
    if (cached !== undefined && cached.until > now) return cached.role;
    cache.delete(username);
    const role = await readRole(rdi, username);
    // Only answers are cached; a user who is gone throws above and is asked again next time.
    cache.set(username, { role, until: now + cacheMs });
    if (cache.size > 10_000) cache.delete(cache.keys().next().value ?? '');
    return role;
  };
}

async function readRole(rdi: Redis, username: string): Promise<Role | undefined> {
  const multi = rdi.multi();
  multi.call('ACL', 'GETUSER', username);
  for (const [, command] of CHECKS) multi.call('ACL', 'DRYRUN', username, ...command);
  let replies: [Error | null, unknown][] | null;
  try {
    replies = await multi.exec();
  } catch (error) {
    // A command the api's own user may not run aborts the whole transaction (EXECABORT).
    throw unavailable(error);
  }
  if (replies === null) throw unavailable(new Error('the ACL check was discarded'));
  const [userReply, ...dryRunReplies] = replies;
  // A user who no longer exists also fails the DRYRUNs: GETUSER alone decides that case.
  if (userReply?.[0] === null && !isEnabled(userReply[1])) {
    throw new SluiceError('AUTH_TOKEN_INVALID', 'The user of this token no longer may log in.', {
      hint: 'the RDI database user was deleted or disabled; log in as another user',
    });
  }
  const failed = replies.find(([error]) => error !== null)?.[0];
  if (failed !== undefined && failed !== null) throw unavailable(failed);
  const index = dryRunReplies.findIndex(([, reply]) => reply === 'OK');
  return index === -1 ? undefined : CHECKS[index]?.[0];
}

/** ACL GETUSER's reply lists `flags`; nil for a user that does not exist. */
function isEnabled(reply: unknown): boolean {
  if (!Array.isArray(reply)) return false;
  const at = reply.indexOf('flags');
  const flags: unknown = reply[at + 1];
  return at >= 0 && Array.isArray(flags) && flags.includes('on');
}

function unavailable(cause: unknown): SluiceError {
  return new SluiceError(
    'RDI_DB_UNAVAILABLE',
    "Cannot read the user's rights from the RDI database.",
    {
      cause,
      hint: "the api's own RDI database user needs ACL GETUSER and ACL DRYRUN (+acl|getuser +acl|dryrun)",
    },
  );
}
