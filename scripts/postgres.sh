#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL 15 cluster on 127.0.0.1 for tests and migration generation.
#   scripts/postgres.sh start   → prints the DATABASE_URL to use (postgresql://postgres@127.0.0.1:$PGPORT/bridge)
#   scripts/postgres.sh stop
# initdb refuses to run as root, so the cluster belongs to the `postgres` OS user (docs/reference/notes.md).
set -euo pipefail
PGPORT=${PGPORT:-55432}
PGDIR=${PGDIR:-/tmp/scim-bridge-pg-$PGPORT}
BIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }

case "${1:-}" in
  start)
    if [ ! -s "$PGDIR/PG_VERSION" ]; then
      mkdir -p "$PGDIR"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDIR"
      as_pg "'$BIN/initdb' -D '$PGDIR' -U postgres --auth=trust -E UTF8" >/dev/null
    fi
    if ! as_pg "'$BIN/pg_ctl' -D '$PGDIR' status" >/dev/null 2>&1; then
      as_pg "'$BIN/pg_ctl' -D '$PGDIR' -w -l '$PGDIR/server.log' -o \"-c listen_addresses=127.0.0.1 -p $PGPORT -k '$PGDIR' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\" start" >/dev/null
    fi
    as_pg "'$BIN/psql' -h 127.0.0.1 -p $PGPORT -U postgres -tAc \"SELECT 1 FROM pg_database WHERE datname='bridge'\"" | grep -q 1 ||
      as_pg "'$BIN/createdb' -h 127.0.0.1 -p $PGPORT -U postgres bridge"
    echo "postgresql://postgres@127.0.0.1:$PGPORT/bridge"
    ;;
  stop)
    as_pg "'$BIN/pg_ctl' -D '$PGDIR' -m fast stop" >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
