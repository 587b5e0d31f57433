# Sourced once by the MariaDB image's entry point on an empty data folder (public image and
# docker/mariadb.Dockerfile alike): gives the pipeline's user what Debezium's MariaDB connector
# needs on top of the rights on its database (binlog reading, snapshot locks).
mariadb -uroot -p"$MARIADB_ROOT_PASSWORD" -e \
  "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES ON *.* TO '$MARIADB_USER'@'%'; FLUSH PRIVILEGES;"
