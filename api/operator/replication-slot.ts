// The PostgreSQL replication slot of a source, seen from the operator: end the connection of
// a collector that still holds it (fencing a deposed leader's collector at the source), and
// drop it on reset so that the next snapshot starts from a fresh slot.

import pg from 'pg';
import type { SourceConnectionConfig } from '../../pipeline/load-config.ts';
import { sourceClientTls } from '../sources/source-client-tls.ts';

async function withClient<T>(
  connection: SourceConnectionConfig,
  use: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({
    host: connection.host,
    port: connection.port,
    database: connection.database,
    user: connection.user,
    password: connection.password,
    connectionTimeoutMillis: 5_000,
    // The same TLS as the collector's: a server that refuses plaintext refuses this client too.
    ssl: sourceClientTls(connection, connection.host ?? '', 'connection') ?? false,
  });
  // A broken connection must reject the call in flight, not crash the operator.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Ends the backend that holds `slot` open; its pid, or undefined when none did. */
export async function terminateSlotHolder(
  connection: SourceConnectionConfig,
  slot: string,
): Promise<number | undefined> {
  return withClient(connection, async (client) => {
    const result = await client.query<{ pid: number }>(
      `SELECT active_pid AS pid, pg_terminate_backend(active_pid)
         FROM pg_replication_slots WHERE slot_name = $1 AND active_pid IS NOT NULL`,
      [slot],
    );
    return result.rows[0]?.pid;
  });
}

/** Drops `slot` (ending its holder first); true when there was one. */
export async function dropSlot(connection: SourceConnectionConfig, slot: string): Promise<boolean> {
  await terminateSlotHolder(connection, slot);
  return withClient(connection, async (client) => {
    // The walsender may take a moment to go after pg_terminate_backend.
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await client.query(
          'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1',
          [slot],
        );
        return (result.rowCount ?? 0) > 0;
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  });
}
