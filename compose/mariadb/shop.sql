-- The demo shop of demo/schema.sql for MariaDB: the same tables, keys and seeded rows (fewer of
-- them), for the compose stack's MariaDB variant (compose.mariadb.yaml). Deterministic.
CREATE TABLE customers (
  id          int AUTO_INCREMENT PRIMARY KEY,
  name        varchar(200) NOT NULL,
  email       varchar(200) NOT NULL UNIQUE,
  country     char(2) NOT NULL,
  created_at  timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE products (
  sku         varchar(32) PRIMARY KEY,
  title       varchar(200) NOT NULL,
  price       decimal(10, 2) NOT NULL,
  stock       int NOT NULL,
  released_on date
);

CREATE TABLE orders (
  id          bigint AUTO_INCREMENT PRIMARY KEY,
  customer_id int NOT NULL,
  status      varchar(20) NOT NULL DEFAULT 'new',
  total       decimal(12, 2) NOT NULL DEFAULT 0,
  placed_at   datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
);

CREATE TABLE order_items (
  order_id    bigint NOT NULL,
  line_no     int NOT NULL,
  sku         varchar(32) NOT NULL,
  quantity    int NOT NULL,
  PRIMARY KEY (order_id, line_no),
  FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
  FOREIGN KEY (sku) REFERENCES products (sku)
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

-- A thousand more customers (seq_1_to_1000 is MariaDB's sequence engine).
INSERT INTO customers (name, email, country)
SELECT CONCAT(ELT(1 + seq % 8, 'Alan', 'Barbara', 'Claude', 'Donald', 'Frances', 'John', 'Katherine', 'Linus'),
              ' ', ELT(1 + seq % 7, 'Turing', 'Liskov', 'Shannon', 'Knuth', 'Allen', 'Backus', 'Perlman')),
       CONCAT('customer', seq, '@example.com'),
       ELT(1 + seq % 7, 'GB', 'US', 'NL', 'FR', 'DE', 'SE', 'JP')
FROM seq_1_to_1000;
