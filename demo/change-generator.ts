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

const FIRST = ['Alan', 'Barbara', 'Claude', 'Donald', 'Frances', 'John', 'Katherine', 'Linus', 'Radia'];
const LAST = ['Turing', 'Liskov', 'Shannon', 'Knuth', 'Allen', 'Backus', 'Johnson', 'Torvalds', 'Perlman'];
const COUNTRIES = ['GB', 'US', 'NL', 'FR', 'DE', 'SE', 'JP'];
const STATUSES = ['new', 'paid', 'shipped', 'delivered'];

type Change = (db: Client, random: Random) => Promise<string>;

const changes: readonly Change[] = [
  async (db, random) => {
    const name = `${pick(FIRST, random)} ${pick(LAST, random)}`;
    const email = `${name.toLowerCase().replace(' ', '.')}.${Math.floor(random() * 1e6)}@example.com`;
    const r = await db.query<{ id: number }>(
      'INSERT INTO customers (name, email, country) VALUES ($1, $2, $3) RETURNING id',
      [name, email, pick(COUNTRIES, random)],
    );
    return `insert customers id=${r.rows[0]?.id}`;
  },
  async (db, random) => {
    const r = await db.query<{ id: string }>(
      `INSERT INTO orders (customer_id, status, total)
       SELECT id, 'new', 0 FROM customers ORDER BY random() LIMIT 1 RETURNING id`,
    );
    const orderId = r.rows[0]?.id;
    if (orderId === undefined) return 'no customers yet';
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
    return `insert orders id=${orderId} with ${lines} items`;
  },
  async (db, random) => {
    const r = await db.query<{ sku: string }>(
      `UPDATE products SET stock = greatest(stock + $1, 0), price = round(price * $2, 2)
       WHERE sku = (SELECT sku FROM products ORDER BY random() LIMIT 1) RETURNING sku`,
      [Math.floor(random() * 11) - 5, (0.95 + random() * 0.1).toFixed(3)],
    );
    return `update products sku=${r.rows[0]?.sku}`;
  },
  async (db, random) => {
    const r = await db.query<{ id: string }>(
      `UPDATE orders SET status = $1 WHERE id = (SELECT id FROM orders ORDER BY random() LIMIT 1) RETURNING id`,
      [pick(STATUSES, random)],
    );
    return `update orders id=${r.rows[0]?.id}`;
  },
  async (db) => {
    const r = await db.query<{ id: string }>(
      `DELETE FROM orders WHERE id = (SELECT id FROM orders WHERE status = 'delivered' ORDER BY id LIMIT 1) RETURNING id`,
    );
    return r.rows[0] ? `delete orders id=${r.rows[0].id}` : 'nothing delivered to delete yet';
  },
];

/** Runs one random change and returns a one-line description of it. */
export async function makeChange(db: Client, random: Random): Promise<string> {
  return pick(changes, random)(db, random);
}
