#!/usr/bin/env bash
# A primary with a synchronous hot standby (streaming replication), both on loopback, in one folder.
#   pg-replication.sh start DIR PRIMARY_PORT STANDBY_PORT   creates both and waits until the standby is in sync
#   pg-replication.sh stop DIR                              stops both and removes the folder
# Superuser cancuoc, password cancuoc (as scripts/pg-cluster.sh). A commit on the primary returns only
# once the standby has flushed it to its WAL (synchronous_commit = on, one named synchronous standby).
# See docs/postgres.md for the same setup on real machines.
set -euo pipefail
cd "$(dirname "$0")/.."
. "$(dirname "$0")/pg-env.sh"
command=$1
dir=$(realpath -m "$2")

case "$command" in
  start)
    primary_port=$3
    standby_port=$4
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    scripts/pg-cluster.sh start "$dir/primary" "$primary_port" "${5:-}"
    # wal_level = replica and max_wal_senders = 10 are already PostgreSQL's defaults.
    {
      echo "synchronous_commit = on"
      echo "synchronous_standby_names = 'FIRST 1 (standby1)'"
      echo "wal_keep_size = 256MB"
    } | as_owner tee -a "$dir/primary/data/postgresql.conf" >/dev/null
    as_owner "$PGBIN/pg_ctl" -D "$dir/primary/data" -w reload >/dev/null
    # The standby starts as a copy of the primary; -R writes standby.signal and the connection back.
    as_owner mkdir -p "$dir/standby"
    as_owner env PGPASSWORD=cancuoc "$PGBIN/pg_basebackup" -D "$dir/standby/data" -R -X stream -c fast \
      -d "host=127.0.0.1 port=$primary_port user=cancuoc application_name=standby1"
    {
      echo "port = $standby_port"
      echo "unix_socket_directories = '$dir/standby'"
      echo "hot_standby = on"
      # Once promoted it has no standby of its own: commits must not wait for one (docs/postgres.md).
      echo "synchronous_standby_names = ''"
    } | as_owner tee -a "$dir/standby/data/postgresql.conf" >/dev/null
    as_owner "$PGBIN/pg_ctl" -D "$dir/standby/data" -l "$dir/standby/server.log" -w -t 60 start >/dev/null \
      || { cat "$dir/standby/server.log" >&2; exit 1; }
    for _ in $(seq 1 100); do
      state=$(PGPASSWORD=cancuoc "$PGBIN/psql" -h 127.0.0.1 -p "$primary_port" -U cancuoc -d postgres -Atc \
        "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby1'" 2>/dev/null || true)
      [ "$state" = sync ] && exit 0
      sleep 0.2
    done
    echo "the standby did not reach synchronous state" >&2
    exit 1
    ;;
  stop)
    for node in standby primary; do
      if [ -f "$dir/$node/data/postmaster.pid" ]; then
        as_owner "$PGBIN/pg_ctl" -D "$dir/$node/data" -m immediate -w stop >/dev/null 2>&1 || true
      fi
    done
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start DIR PRIMARY_PORT STANDBY_PORT [fast] | stop DIR" >&2
    exit 2
    ;;
esac
