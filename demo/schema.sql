-- Sample shop schema for the demo: a few related tables, one with a composite key.
CREATE TABLE customers (
  id          serial PRIMARY KEY,
  name        text NOT NULL,
  email       text NOT NULL UNIQUE,
  country     char(2) NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE products (
  sku         text PRIMARY KEY,
  title       text NOT NULL,
  price       numeric(10, 2) NOT NULL,
  stock       integer NOT NULL,
  released_on date
);

CREATE TABLE orders (
  id          bigserial PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  status      text NOT NULL DEFAULT 'new',
  total       numeric(12, 2) NOT NULL DEFAULT 0,
  placed_at   timestamp NOT NULL DEFAULT now()
);

CREATE TABLE order_items (
  order_id    bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  line_no     integer NOT NULL,
  sku         text NOT NULL REFERENCES products (sku),
  quantity    integer NOT NULL,
  PRIMARY KEY (order_id, line_no)
);

INSERT INTO customers (name, email, country) VALUES
  ('Ada Lovelace', 'ada@example.com', 'GB'),
  ('Grace Hopper', 'grace@example.com', 'US'),
  ('Edsger Dijkstra', 'edsger@example.com', 'NL'),
  ('Margaret Hamilton', 'margaret@example.com', 'US');

INSERT INTO products (sku, title, price, stock, released_on) VALUES
  ('KB-01', 'Mechanical keyboard', 129.90, 40, '2023-03-01'),
  ('MS-02', 'Wireless mouse', 39.50, 120, '2022-11-15'),
  ('MN-27', '27" monitor', 349.00, 15, '2024-01-20');

INSERT INTO orders (customer_id, status, total) VALUES (1, 'paid', 169.40), (2, 'new', 349.00);
INSERT INTO order_items (order_id, line_no, sku, quantity) VALUES
  (1, 1, 'KB-01', 1), (1, 2, 'MS-02', 1), (2, 1, 'MN-27', 1);

-- A few tens of thousands more rows, so that the initial sync (Debezium's snapshot, then the
-- processor applying it) lasts long enough to watch in `sluice status`. Deterministic.
INSERT INTO customers (name, email, country)
SELECT (ARRAY['Alan', 'Barbara', 'Claude', 'Donald', 'Frances', 'John', 'Katherine', 'Linus'])[1 + i % 8]
         || ' ' || (ARRAY['Turing', 'Liskov', 'Shannon', 'Knuth', 'Allen', 'Backus', 'Perlman'])[1 + i % 7],
       'customer' || i || '@example.com',
       (ARRAY['GB', 'US', 'NL', 'FR', 'DE', 'SE', 'JP'])[1 + i % 7]
FROM generate_series(1, 6000) AS i;

INSERT INTO products (sku, title, price, stock, released_on)
SELECT 'SKU-' || lpad(i::text, 4, '0'),
       (ARRAY['Cable', 'Adapter', 'Headset', 'Webcam', 'Dock', 'Charger'])[1 + i % 6] || ' model ' || i,
       round((5 + (i * 7919) % 500 + (i % 100) / 100.0)::numeric, 2),
       (i * 31) % 250,
       DATE '2020-01-01' + (i * 3) % 1800
FROM generate_series(1, 200) AS i;

INSERT INTO orders (customer_id, status, total, placed_at)
SELECT 1 + (i * 7) % 6004,
       (ARRAY['new', 'paid', 'shipped', 'delivered'])[1 + i % 4],
       0,
       TIMESTAMP '2025-01-01' + i * INTERVAL '37 minutes'
FROM generate_series(1, 8000) AS i;

-- One to three lines per seeded order, then each order's total from its lines.
INSERT INTO order_items (order_id, line_no, sku, quantity)
SELECT o.id, line, 'SKU-' || lpad((1 + (o.id * 13 + line * 29) % 200)::text, 4, '0'), 1 + (o.id + line) % 4
FROM orders o, generate_series(1, 3) AS line
WHERE o.id > 2 AND line <= 1 + o.id % 3;

UPDATE orders o SET total = t.total
FROM (SELECT i.order_id, sum(i.quantity * p.price) AS total
      FROM order_items i JOIN products p USING (sku) GROUP BY i.order_id) t
WHERE o.id = t.order_id AND o.id > 2;
