// A connected `pg` client of a harness PostgreSQL, for tests that run a workload through it.
import pg from 'pg';
import type { PostgresInstance } from '../../harness/postgres.ts';

export async function connectSource(source: PostgresInstance): Promise<pg.Client> {
  const db = new pg.Client({
    host: source.host,
    port: source.port,
    user: source.user,
    password: source.password,
    database: source.database,
  });
  await db.connect();
  return db;
}
