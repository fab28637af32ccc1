#!/usr/bin/env bash
# A throwaway PostgreSQL cluster in a folder, listening on loopback only; no system service.
#   pg-cluster.sh start DIR PORT [fast]   creates and starts it (superuser cancuoc, password cancuoc)
#   pg-cluster.sh stop DIR                stops it and removes the folder
# "fast" turns durability off (fsync, full-page writes): for tests only.
# PostgreSQL refuses to run as root, so under root the cluster belongs to the postgres user.
set -euo pipefail
. "$(dirname "$0")/pg-env.sh"
command=$1
dir=$(realpath -m "$2")

case "$command" in
  start)
    port=$3
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_owner bash -c "umask 077; echo cancuoc > '$dir/password'"
    as_owner "$PGBIN/initdb" -D "$dir/data" -U cancuoc --pwfile="$dir/password" --auth-local=trust \
      --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    {
      echo "listen_addresses = '127.0.0.1'"
      echo "port = $port"
      echo "unix_socket_directories = '$dir'"
      echo "max_connections = 300"
      echo "shared_buffers = 256MB"
      echo "max_wal_size = 4GB"
      if [ "${4:-}" = fast ]; then
        echo "fsync = off"
        echo "full_page_writes = off"
        echo "synchronous_commit = off"
      fi
    } >>"$dir/data/postgresql.conf"
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start DIR PORT [fast] | stop DIR" >&2
    exit 2
    ;;
esac
