#!/bin/bash
# Entry point of docker/mariadb.Dockerfile: on an empty data folder, install the system tables,
# set the root password, create MARIADB_DATABASE and MARIADB_USER (all rights on that database),
# run /docker-entrypoint-initdb.d/*.sql (and source *.sh) on a server without networking (so a
# healthcheck over TCP waits for the real start), then exec the command (`mariadbd …`).
set -euo pipefail

if [[ "${1:-}" != mariadbd ]]; then exec "$@"; fi
datadir=/var/lib/mysql

if [[ ! -d "$datadir/mysql" ]]; then
  : "${MARIADB_ROOT_PASSWORD:?MARIADB_ROOT_PASSWORD must be set}"
  mariadb-install-db --datadir="$datadir" --auth-root-authentication-method=normal \
    --skip-test-db >/dev/null
  # The default socket, so that init scripts can run `mariadb -uroot -p…` as with the public image.
  socket=/run/mysqld/mysqld.sock
  mariadbd --datadir="$datadir" --skip-networking --socket="$socket" &
  pid=$!
  for _ in $(seq 1 60); do
    if mariadb-admin --socket="$socket" -uroot ping >/dev/null 2>&1; then break; fi
    sleep 1
  done
  quote() { printf "'%s'" "${1//\'/\'\'}"; }
  {
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $(quote "$MARIADB_ROOT_PASSWORD");"
    echo "CREATE USER 'root'@'%' IDENTIFIED BY $(quote "$MARIADB_ROOT_PASSWORD");"
    echo "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    if [[ -n "${MARIADB_DATABASE:-}" ]]; then
      echo "CREATE DATABASE IF NOT EXISTS \`$MARIADB_DATABASE\`;"
    fi
    if [[ -n "${MARIADB_USER:-}" ]]; then
      echo "CREATE USER '$MARIADB_USER'@'%' IDENTIFIED BY $(quote "${MARIADB_PASSWORD:-}");"
      if [[ -n "${MARIADB_DATABASE:-}" ]]; then
        echo "GRANT ALL PRIVILEGES ON \`$MARIADB_DATABASE\`.* TO '$MARIADB_USER'@'%';"
      fi
    fi
    echo "FLUSH PRIVILEGES;"
  } | mariadb --socket="$socket" -uroot
  for file in /docker-entrypoint-initdb.d/*; do
    case "$file" in
      *.sql)
        echo "init: running $file"
        mariadb --socket="$socket" -uroot -p"$MARIADB_ROOT_PASSWORD" \
          ${MARIADB_DATABASE:+"$MARIADB_DATABASE"} <"$file"
        ;;
      *.sh) echo "init: running $file" && . "$file" ;;
    esac
  done
  mariadb-admin --socket="$socket" -uroot -p"$MARIADB_ROOT_PASSWORD" shutdown
  wait "$pid" || true
  echo "init: done"
fi
exec "$@"
