#!/usr/bin/env bash
# make bench, PostgreSQL part: seed against psql \copy of the same rows, PIN lookups through the API.
# Prints markdown table rows (the caller prints the header). PEOPLE as in scripts/bench.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/release/cancuoc
PEOPLE=${PEOPLE:-3700000}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-64}
WORK=$(mktemp -d /tmp/cancuoc-pgbench.XXXXXX)
chmod 755 "$WORK"
KEYS="$WORK/cancuoc.keys"
PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export SWIFT_BACKTRACE=enable=no PGPASSWORD=cancuoc
SERVER=
trap 'kill $SERVER 2>/dev/null || true; scripts/pg-cluster.sh stop "$WORK/cluster"; rm -rf "$WORK"' EXIT
now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.1f}')"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
psql_() { psql -h 127.0.0.1 -p "$PGPORT" -U cancuoc -AtX -v ON_ERROR_STOP=1 "$@"; }
url() { echo "postgres://cancuoc:cancuoc@127.0.0.1:$PGPORT/$1?sslmode=disable"; }

# A durable cluster (fsync on, synchronous commit): the figures are for a real server.
scripts/pg-cluster.sh start "$WORK/cluster" "$PGPORT"
psql_ -d postgres -c "CREATE DATABASE register" -c "CREATE DATABASE reference" >/dev/null

echo "seeding $PEOPLE residents into PostgreSQL..." >&2
t0=$(now); "$BIN" seed --province 38 --people "$PEOPLE" --seed 2021 --db "$(url register)" >"$WORK/seed.out"; t1=$(now)
seed_s=$(elapsed "$t0" "$t1")

echo "the same rows with psql \\copy into the same indexed tables..." >&2
for table in households residents issued_pins pin_buckets; do
  psql_ -d register -c "\\copy $table TO '$WORK/$table.copy'" >/dev/null
done
"$BIN" export residents --db "$(url reference)" --keys "$KEYS" --out "$WORK/empty.csv" >/dev/null  # creates the schema (every index)
t0=$(now)
psql_ -d reference -1 -c "\\copy households FROM '$WORK/households.copy'" -c "\\copy residents FROM '$WORK/residents.copy'" \
  -c "\\copy issued_pins FROM '$WORK/issued_pins.copy'" -c "\\copy pin_buckets FROM '$WORK/pin_buckets.copy'" >/dev/null
t1=$(now)
copy_s=$(elapsed "$t0" "$t1")
[ "$(psql_ -d reference -c 'SELECT count(*) FROM residents')" = "$PEOPLE" ]
db_mb=$(( $(psql_ -d register -c "SELECT pg_database_size('register')") / 1048576 ))
# The reference copy is done with: drop it, so that its autovacuum does not run beside the lookups.
psql_ -d postgres -c "DROP DATABASE reference" >/dev/null
# The lookups measure the server, not the disk still writing back the gigabytes just loaded: right after the
# load, every commit's WAL flush waited behind that writeback (audited p99 above 100 ms, 15 ms once flushed).
psql_ -d register -c "CHECKPOINT" >/dev/null
sync
echo "| PostgreSQL: seed $PEOPLE residents with households | $seed_s s, database $db_mb MB | psql \\copy of the same rows into the same indexed tables: $copy_s s | $(ratio "$seed_s" "$copy_s") × (limit 1.5 ×) |"

echo "serving the register from PostgreSQL..." >&2
# A provincial officer's token without a practical rate limit.
"$BIN" user add --db "$(url register)" --keys "$KEYS" --username bench.pc06 --role province-officer --unit 38 >/dev/null
TOKEN=$("$BIN" token issue --db "$(url register)" --keys "$KEYS" --username bench.pc06 --days 1 --rate-limit 1000000000)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
serve() { # extra serve flags
  "$BIN" serve --db "$(url register)" --keys "$KEYS" --host 127.0.0.1 --port "$PORT" "$@" >/dev/null 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
}
serve
psql_ -d register -c "SELECT pin FROM residents ORDER BY random() LIMIT 20000" >"$WORK/pins.txt"
echo "/static/app.css" >"$WORK/static.txt"
bench() { WRK_PREFIX="$2" WRK_LIST="$3" WRK_TOKEN="$TOKEN" wrk -t2 -c"$1" -d"$DURATION" -s bench/pins.lua "http://127.0.0.1:$PORT" | grep RESULT; }
field() { echo "$1" | grep -oE "$2=[0-9.]+" | cut -d= -f2; }
# The ceiling: a static file without a token (no account look-up), as before accounts existed.
ceiling=$(TOKEN= bench "$CONNECTIONS" "" "$WORK/static.txt")
pin_tp=$(bench "$CONNECTIONS" "/api/v1/residents/" "$WORK/pins.txt")
pin=$(bench 4 "/api/v1/residents/" "$WORK/pins.txt")
# A steady stream of about 1,000 look-ups a second, as in scripts/bench.sh.
pin_steady=$(WRK_THINK_MS=64 bench 64 "/api/v1/residents/" "$WORK/pins.txt")
kill $SERVER; wait $SERVER 2>/dev/null || true
serve --without-audit
pin_tp_off=$(bench "$CONNECTIONS" "/api/v1/residents/" "$WORK/pins.txt")
echo "| PostgreSQL: trivial endpoint, wrk -c$CONNECTIONS $DURATION | $(field "$ceiling" rps) req/s | framework ceiling | 1 |"
echo "| PostgreSQL: PIN lookup through the API, wrk -c4 | p50 $(field "$pin" p50) ms, p99 $(field "$pin" p99) ms, $(field "$pin" rps) req/s | p99 ≤ 3 ms | |"
echo "| PostgreSQL: PIN lookup through the API, a steady $(field "$pin_steady" rps) req/s (64 connections, random pauses of 64 ms on average) | p50 $(field "$pin_steady" p50) ms, p95 $(field "$pin_steady" p95) ms, p99 $(field "$pin_steady" p99) ms | | |"
echo "| PostgreSQL: PIN lookup through the API, wrk -c$CONNECTIONS, audited | $(field "$pin_tp" rps) req/s, p99 $(field "$pin_tp" p99) ms, errors $(field "$pin_tp" errors) | | $(ratio "$(field "$pin_tp" rps)" "$(field "$ceiling" rps)") of the ceiling |"
echo "| PostgreSQL: PIN lookup through the API, wrk -c$CONNECTIONS, audit off | $(field "$pin_tp_off" rps) req/s, p99 $(field "$pin_tp_off" p99) ms | audited ≥ 0.5 × this | audited/off $(ratio "$(field "$pin_tp" rps)" "$(field "$pin_tp_off" rps)") |"
