// Per-term users of the RDI database for the children, the read-side half of fencing: each
// term's processor and collector log in as `sluice-term-<epoch>`, and a new leader deletes the
// users of earlier terms, which disconnects a deposed leader's children. A paused processor
// can then no longer read (and so take) entries from the streams, and a paused Debezium can
// no longer append a stale batch; the target's epoch check refuses their late writes.

import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

const PREFIX = 'sluice-term-';

export interface TermCredentials {
  readonly user: string;
  readonly password: string;
}

/**
 * Creates (or re-creates, e.g. after the RDI database restarted) this term's user and deletes
 * those of every other term. Undefined when the operator may not manage users (then the
 * children use the operator's own credentials and only the target's fence protects).
 */
export async function openTermUser(
  rdi: Redis,
  epoch: number,
  password: string,
): Promise<TermCredentials | undefined> {
  const user = `${PREFIX}${epoch}`;
  try {
    await rdi.call('ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '&*', '+@all');
    const users = (await rdi.call('ACL', 'USERS')) as string[];
    for (const other of users) {
      // Deleting a user disconnects every client logged in as it.
      if (other.startsWith(PREFIX) && other !== user) await rdi.call('ACL', 'DELUSER', other);
    }
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('NOPERM')) return undefined;
    throw error;
  }
  return { user, password };
}

/** Deletes this term's user when the operator hands over cleanly. */
export async function closeTermUser(rdi: Redis, epoch: number): Promise<void> {
  await rdi.call('ACL', 'DELUSER', `${PREFIX}${epoch}`);
}

export function newTermPassword(): string {
  return randomBytes(24).toString('base64url');
}
