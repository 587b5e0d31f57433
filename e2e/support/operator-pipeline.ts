// What an operator e2e test needs around the stack: the secrets a pipeline's `${NAME}`
// references resolve to (stored in the RDI database, as `sluice secrets set` would), a client of
// the PostgreSQL source, and a wait until the target equals the source, key by key.
import type { Redis } from 'ioredis';
import pg, { type Client } from 'pg';
import { setSecret } from '../../api/store/secret-store.ts';
import type { SourceKind } from '../../harness/stack.ts';
import type { Stack } from '../../harness/stack.ts';
import { waitFor } from '../../harness/wait-for.ts';
import { differences, type TableShape } from './compare-target.ts';

/** Stores SOURCE_DB_* and TARGET_DB_* for the stack's source and target. */
export async function storeStackSecrets<S extends SourceKind>(
  rdi: Redis,
  stack: Stack<S>,
): Promise<void> {
  const secrets = {
    SOURCE_DB_HOST: stack.source.host,
    SOURCE_DB_PORT: String(stack.source.port),
    SOURCE_DB_USERNAME: stack.source.user,
    SOURCE_DB_PASSWORD: stack.source.password,
    TARGET_DB_HOST: stack.target.host,
    TARGET_DB_PORT: String(stack.target.port),
  };
  for (const [name, value] of Object.entries(secrets)) await setSecret(rdi, name, value);
}

/** A connected client of the stack's PostgreSQL source, as its owner. */
export async function connectSource(stack: Stack<'postgresql'>): Promise<Client> {
  const { host, port, user, password, database } = stack.source;
  const client = new pg.Client({ host, port, user, password, database });
  await client.connect();
  return client;
}

/** Resolves once the target equals the source; rejects with the last differences otherwise. */
export async function waitForTargetEqualsSource(
  db: Client,
  target: Redis,
  shapes: readonly TableShape[],
  timeoutMs = 180_000,
): Promise<void> {
  await waitFor(
    'the target to equal the source',
    async () => {
      const diff = await differences(db, target, shapes);
      if (diff === '') return true;
      throw new Error(diff);
    },
    { timeoutMs, intervalMs: 1000 },
  );
}
