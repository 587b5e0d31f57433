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
