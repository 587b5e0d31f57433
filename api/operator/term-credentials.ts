// Per-term users of the RDI database for the children, the read-side half of fencing: each
// term's processor and collector log in as `sluice-term-<epoch>`, and a new leader deletes the
// users of earlier terms, which disconnects a deposed leader's children. A paused processor
// can then no longer read (and so take) entries from the streams, and a paused Debezium can
// no longer append a stale batch; the target's epoch check refuses their late writes.

import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock, Logger } from '../../processor/ports.ts';

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
async function openTermUser(
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
async function closeTermUser(rdi: Redis, epoch: number): Promise<void> {
  await rdi.call('ACL', 'DELUSER', `${PREFIX}${epoch}`);
}

function newTermPassword(): string {
  return randomBytes(24).toString('base64url');
}

const REFRESH_MS = 5_000;

/**
 * This operator's side of the per-term users: opens the current term's user for the children
 * (warning once when it may not), re-creates it every few seconds (ACL users live in the RDI
 * database's memory and are gone after it restarted), and closes it on a clean handover.
 */
export class TermUsers {
  readonly #rdi: Redis;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #password = newTermPassword();
  #epoch: number | undefined;
  #nextRefreshAt = 0;

  constructor(opts: { rdi: Redis; clock: Clock; logger: Logger }) {
    this.#rdi = opts.rdi;
    this.#clock = opts.clock;
    this.#logger = opts.logger;
  }

  /** The term whose user was last opened. */
  get epoch(): number | undefined {
    return this.#epoch;
  }

  /** This term's user for the children (earlier terms' users are deleted). */
  async open(epoch: number): Promise<TermCredentials | undefined> {
    const credentials = await openTermUser(this.#rdi, epoch, this.#password);
    if (credentials === undefined && this.#epoch !== epoch) {
      this.#logger.warn(
        'The operator may not manage ACL users: children use its own login, and a deposed ' +
          "leader's children are fenced only at the target.",
      );
    }
    this.#epoch = epoch;
    return credentials;
  }

  /** Re-creates the user of `epoch` at most every few seconds, once the term has opened it. */
  async refresh(epoch: number): Promise<void> {
    const now = this.#clock.now();
    if (now < this.#nextRefreshAt || this.#epoch !== epoch) return;
    this.#nextRefreshAt = now + REFRESH_MS;
    await this.open(epoch);
  }

  /** Deletes the user of `leadingEpoch` if this operator opened it. */
  async close(leadingEpoch: number | undefined): Promise<void> {
    const epoch = this.#epoch;
    if (epoch === undefined || epoch !== leadingEpoch) return;
    await closeTermUser(this.#rdi, epoch);
  }
}

/** `url` with the credentials of a term user, or unchanged without one. */
export function urlWithCredentials(url: string, credentials: TermCredentials | undefined): string {
  if (credentials === undefined) return url;
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(credentials.user);
  parsed.password = encodeURIComponent(credentials.password);
  return parsed.toString();
}
