#!/bin/bash
# Entry point of docker/postgres.Dockerfile: on an empty PGDATA, initdb with POSTGRES_USER and
# POSTGRES_PASSWORD, create POSTGRES_DB, run /docker-entrypoint-initdb.d/*.sql|*.sh on a server
# that listens on no TCP port (so a healthcheck over TCP waits for the real start), then exec
# `postgres` with the command's arguments.
set -euo pipefail

if [[ "${1:-}" != postgres ]]; then exec "$@"; fi
shift
user="${POSTGRES_USER:-postgres}"
db="${POSTGRES_DB:-$user}"

if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
  pwfile="$(mktemp)"
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb -D "$PGDATA" --username="$user" --pwfile="$pwfile" --encoding=UTF8 \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo 'host all all all scram-sha-256' >>"$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  sql=(psql -v ON_ERROR_STOP=1 --no-psqlrc -q -U "$user")
  if [[ "$db" != postgres ]]; then "${sql[@]}" -d postgres -c "CREATE DATABASE \"$db\""; fi
  for file in /docker-entrypoint-initdb.d/*; do
    case "$file" in
      *.sql) echo "init: running $file" && "${sql[@]}" -d "$db" -f "$file" ;;
      *.sh) echo "init: running $file" && . "$file" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "init: done"
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
