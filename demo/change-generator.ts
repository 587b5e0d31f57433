// A small, continuous stream of realistic changes for the demo: new customers and orders,
// price and stock updates, status transitions, an occasional delete. One change every
// `intervalMs`, driven by an injected random source so a run can be repeated.

import type { Client } from 'pg';

export type Random = () => number;

function pick<T>(items: readonly T[], random: Random): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

const FIRST = [
  'Alan',
  'Barbara',
  'Claude',
  'Donald',
  'Frances',
  'John',
  'Katherine',
  'Linus',
  'Radia',
];
const LAST = [
  'Turing',
  'Liskov',
  'Shannon',
  'Knuth',
  'Allen',
  'Backus',
  'Johnson',
  'Torvalds',
  'Perlman',
];
const COUNTRIES = ['GB', 'US', 'NL', 'FR', 'DE', 'SE', 'JP'];
const STATUSES = ['new', 'paid', 'shipped', 'delivered'];

/** What a change did, and the target key it should show up in (or vanish from). */
export interface ChangeMade {
  readonly description: string;
  readonly key: string | undefined;
  readonly deleted: boolean;
}

/** Called with the key a change will touch, just before the change, to note its old state. */
export type BeforeChange = (key: string) => Promise<void>;

type Change = (db: Client, random: Random, before: BeforeChange) => Promise<ChangeMade>;

const made = (description: string, key: string | undefined, deleted = false): ChangeMade => ({
  description,
  key,
  deleted,
});

const changes: readonly Change[] = [
  async (db, random) => {
    const name = `${pick(FIRST, random)} ${pick(LAST, random)}`;
    const email = `${name.toLowerCase().replace(' ', '.')}.${Math.floor(random() * 1e6)}@example.com`;
    const r = await db.query<{ id: number }>(
      'INSERT INTO customers (name, email, country) VALUES ($1, $2, $3) RETURNING id',
      [name, email, pick(COUNTRIES, random)],
    );
    const id = r.rows[0]?.id;
    return made(`INSERT customers id=${id}`, `customers:id:${id}`);
  },
  async (db, random) => {
    const r = await db.query<{ id: string }>(
      `INSERT INTO orders (customer_id, status, total)
       SELECT id, 'new', 0 FROM customers ORDER BY random() LIMIT 1 RETURNING id`,
    );
    const orderId = r.rows[0]?.id;
    if (orderId === undefined) return made('no customers yet', undefined);
    const lines = 1 + Math.floor(random() * 3);
    for (let line = 1; line <= lines; line++) {
      await db.query(
        `INSERT INTO order_items (order_id, line_no, sku, quantity)
         SELECT $1, $2, sku, $3 FROM products ORDER BY random() LIMIT 1`,
        [orderId, line, 1 + Math.floor(random() * 4)],
      );
    }
    await db.query(
      `UPDATE orders SET total = (SELECT sum(i.quantity * p.price) FROM order_items i
         JOIN products p USING (sku) WHERE i.order_id = $1) WHERE id = $1`,
      [orderId],
    );
    return made(`INSERT orders id=${orderId} with ${lines} order_items`, `orders:id:${orderId}`);
  },
  async (db, random, before) => {
    const r = await db.query<{ sku: string }>('SELECT sku FROM products ORDER BY random() LIMIT 1');
    const sku = r.rows[0]?.sku;
    if (sku === undefined) return made('no products yet', undefined);
    await before(`products:sku:${sku}`);
    await db.query(
      `UPDATE products SET stock = stock + $1, price = round(price * $2, 2) WHERE sku = $3`,
      [1 + Math.floor(random() * 5), (0.95 + random() * 0.1).toFixed(3), sku],
    );
    return made(`UPDATE products sku=${sku} (price, stock)`, `products:sku:${sku}`);
  },
  async (db, random, before) => {
    const r = await db.query<{ id: string; status: string }>(
      'SELECT id, status FROM orders ORDER BY random() LIMIT 1',
    );
    const order = r.rows[0];
    if (order === undefined) return made('no orders to update yet', undefined);
    const next = STATUSES[(STATUSES.indexOf(order.status) + 1) % STATUSES.length] ?? 'new';
    await before(`orders:id:${order.id}`);
    await db.query('UPDATE orders SET status = $1 WHERE id = $2', [next, order.id]);
    return made(
      `UPDATE orders id=${order.id} status ${order.status}→${next}`,
      `orders:id:${order.id}`,
    );
  },
  async (db) => {
    const r = await db.query<{ id: string }>(
      `DELETE FROM orders WHERE id = (SELECT id FROM orders WHERE status = 'delivered' ORDER BY id LIMIT 1) RETURNING id`,
    );
    const id = r.rows[0]?.id;
    return id === undefined
      ? made('nothing delivered to delete yet', undefined)
      : made(`DELETE orders id=${id} (and its items, by cascade)`, `orders:id:${id}`, true);
  },
];

/** Runs one random change and says what it did. */
export async function makeChange(
  db: Client,
  random: Random,
  before: BeforeChange,
): Promise<ChangeMade> {
  return pick(changes, random)(db, random, before);
}
