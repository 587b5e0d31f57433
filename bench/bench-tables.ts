// The four tables of the benchmark (rows of about 1 KB: integers, numeric, text, timestamps,
// booleans and a ~700-byte text) and the set-based statements that fill and change them; each
// statement touches a range of ids, so one round trip produces hundreds of change events.

export interface BenchTable {
  readonly name: string;
  readonly ddl: string;
  /** INSERT of ids from..to (inclusive). */
  insert(from: number, to: number): string;
  /** UPDATE of ids from..to; every row really changes (Debezium skips no-op updates). */
  update(from: number, to: number, round: number): string;
}

// ~700 bytes of text that differ from row to row.
const longText = (seed: string): string =>
  `left(repeat(md5((${seed})::text) || ' the quick brown fox jumps over the lazy dog ', 9), 700)`;

export const BENCH_TABLES: readonly BenchTable[] = [
  {
    name: 'customers',
    ddl: `CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL, email text,
      country char(2), balance numeric(12,2), loyalty_points integer, vip boolean,
      created_at timestamp(6), updated_at timestamp(6), notes text)`,
    insert: (from, to) => `INSERT INTO customers
      SELECT g, 'Customer ' || g, 'customer' || g || '@example.com', 'F' || chr(65 + g % 26),
        (g * 7.31)::numeric(12,2), g % 1000, g % 10 = 0,
        timestamp '2024-01-01' + g * interval '1 second', now(), ${longText('g')}
      FROM generate_series(${from}, ${to}) g`,
    update: (from, to, round) => `UPDATE customers SET loyalty_points = loyalty_points + 1,
      balance = balance + ${round}.25, updated_at = now() WHERE id BETWEEN ${from} AND ${to}`,
  },
  {
    name: 'orders',
    ddl: `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id integer, status text,
      total numeric(14,2), item_count smallint, paid boolean, placed_at timestamptz,
      updated_at timestamp(6), shipping_address text, comment text)`,
    insert: (from, to) => `INSERT INTO orders
      SELECT g, g % 30000 + 1, 'new', (g % 997 + 0.99)::numeric(14,2), (g % 12 + 1)::smallint,
        false, timestamptz '2024-03-01 12:00:00+00' + g * interval '1 minute', now(),
        g || ' Main Street, Springfield, ' || lpad((g % 99999)::text, 5, '0'), ${longText('g * 3')}
      FROM generate_series(${from}, ${to}) g`,
    update: (from, to, round) => `UPDATE orders SET status = 'shipped-${round}', paid = true,
      updated_at = now() WHERE id BETWEEN ${from} AND ${to}`,
  },
  {
    name: 'products',
    ddl: `CREATE TABLE products (id integer PRIMARY KEY, sku text NOT NULL, title text,
      price numeric(10,2), stock integer, weight_grams integer, active boolean,
      created_at timestamp(6), updated_at timestamp(6), description text)`,
    insert: (from, to) => `INSERT INTO products
      SELECT g, 'SKU-' || lpad(g::text, 8, '0'), 'Product number ' || g,
        (g % 500 + 0.49)::numeric(10,2), g % 250, 100 + g % 5000, true,
        timestamp '2023-06-01' + g * interval '1 hour', now(), ${longText('g * 7')}
      FROM generate_series(${from}, ${to}) g`,
    update: (from, to, round) => `UPDATE products SET stock = stock + ${round + 1},
      price = price + 0.01, updated_at = now() WHERE id BETWEEN ${from} AND ${to}`,
  },
  {
    name: 'events',
    ddl: `CREATE TABLE events (id bigint PRIMARY KEY, kind text, actor_id integer,
      amount numeric(16,4), success boolean, version integer, occurred_at timestamp(6),
      updated_at timestamp(6), source_ip text, payload text)`,
    insert: (from, to) => `INSERT INTO events
      SELECT g, (ARRAY['login','purchase','refund','view'])[g % 4 + 1], g % 30000,
        (g * 1.0001)::numeric(16,4), g % 7 <> 0, 1,
        timestamp '2024-05-01' + g * interval '10 seconds', now(),
        '10.' || g % 256 || '.' || (g / 256) % 256 || '.1', ${longText('g * 11')}
      FROM generate_series(${from}, ${to}) g`,
    update: (from, to) => `UPDATE events SET version = version + 1, success = NOT success,
      updated_at = now() WHERE id BETWEEN ${from} AND ${to}`,
  },
];

/** Per round and table: inserts, updates and deletes (60 % / 30 % / 10 %). */
export const ROUND_MIX = { inserts: 600, updates: 300, deletes: 100 } as const;
/** 50 rounds × 4 tables × 1,000 changes = 200,000 change events. */
export const ROUNDS = 50;
