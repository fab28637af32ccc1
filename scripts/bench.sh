#!/usr/bin/env bash
# make bench: the issue's speed and memory figures on the release build, as a markdown table.
# PEOPLE (default 3,700,000) and IMPORT_ROWS (default 1,000,000) can be lowered for a quick look;
# ONLY_REGISTER=1 stops after the register figures.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/release/cancuoc
PEOPLE=${PEOPLE:-3700000}
IMPORT_ROWS=${IMPORT_ROWS:-1000000}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-64}
WORK=$(mktemp -d /tmp/cancuoc-bench.XXXXXX)
export SWIFT_BACKTRACE=enable=no
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
SERVER=
now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.1f}')"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
peak_kb() { grep 'Maximum resident' "$1" | awk '{print $NF}'; }
rows=()

echo "seeding $PEOPLE residents..." >&2
# Each timed load starts with the disk idle: the previous step's gigabytes are written out first (sync),
# so that neither side of a comparison pays for the other's writeback.
sync
/usr/bin/time -v "$BIN" seed --province 38 --people "$PEOPLE" --seed 2021 --db "$WORK/province.sqlite" >"$WORK/seed.out" 2>"$WORK/seed.time"
seed_s=$(grep -oE 'in [0-9.]+ s' "$WORK/seed.out" | awk '{print $2}')
seed_rate=$(python3 -c "print(int($PEOPLE / $seed_s))")
seed_mb=$(( $(peak_kb "$WORK/seed.time") / 1024 ))
db_mb=$(( $(stat -c %s "$WORK/province.sqlite") / 1048576 ))
rows+=("| seed $PEOPLE residents with households | $seed_s s ($seed_rate rows/s), peak memory $seed_mb MB, database $db_mb MB | ≤ 90 s | $(ratio "$seed_s" 90) of the limit |")

echo "preparing a $IMPORT_ROWS-row CSV..." >&2
"$BIN" seed --province 38 --people "$IMPORT_ROWS" --seed 7 --db "$WORK/source.sqlite" >/dev/null
t0=$(now); "$BIN" export residents --db "$WORK/source.sqlite" --out "$WORK/residents.csv" >/dev/null; t1=$(now)
export_s=$(elapsed "$t0" "$t1")
echo "importing with cancuoc..." >&2
sync
t0=$(now); /usr/bin/time -v "$BIN" import residents "$WORK/residents.csv" --db "$WORK/imported.sqlite" >/dev/null 2>"$WORK/import.time"; t1=$(now)
import_s=$(elapsed "$t0" "$t1")
import_mb=$(( $(peak_kb "$WORK/import.time") / 1024 ))
echo "importing with sqlite3 .import..." >&2
sed "s|IMPORT_FILE|$WORK/residents.csv|" bench/sqlite-import.sql >"$WORK/import.sql"
sync
t0=$(now); sqlite3 "$WORK/reference.sqlite" <"$WORK/import.sql" >/dev/null; t1=$(now)
sqlite_s=$(elapsed "$t0" "$t1")
rows+=("| import $IMPORT_ROWS-row CSV (every row checked) | $import_s s, peak memory $import_mb MB | sqlite3 .import into an equivalently indexed table: $sqlite_s s | $(ratio "$import_s" "$sqlite_s") × (limit 1.5 ×) |")
rows+=("| export $IMPORT_ROWS residents to CSV | $export_s s | | |")

echo "serving the $PEOPLE-resident register..." >&2
# A provincial officer's token without a practical rate limit (the limit is checked, and counted, on every request).
"$BIN" user add --db "$WORK/province.sqlite" --username bench.pc06 --role province-officer --unit 38 >/dev/null
TOKEN=$("$BIN" token issue --db "$WORK/province.sqlite" --username bench.pc06 --days 1 --rate-limit 1000000000)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
serve() { # extra serve flags
  "$BIN" serve --db "$WORK/province.sqlite" --host 127.0.0.1 --port "$PORT" "$@" >/dev/null 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
}
serve
sqlite3 "$WORK/province.sqlite" "SELECT pin FROM residents ORDER BY random() LIMIT 20000" >"$WORK/pins.txt"
# Name searches as officers type them: surname, middle and given name of real records, without marks.
sqlite3 "$WORK/province.sqlite" "SELECT search_terms FROM residents ORDER BY random() LIMIT 5000" \
  | python3 -c "
import sys
for line in sys.stdin:
    words = [w for w in line.split() if not w[0] in 'ymdu' or not w[1:2].isdigit()]
    print(' '.join(words))" >"$WORK/names.txt"
bench() { # connections, prefix, list[, body key]
  WRK_PREFIX="$2" WRK_LIST="$3" WRK_BODY_KEY="${4:-}" WRK_TOKEN="$TOKEN" wrk -t"$(( $1 < 2 ? 1 : 2 ))" -c"$1" -d"$DURATION" -s bench/pins.lua "http://127.0.0.1:$PORT" | grep RESULT
}
field() { echo "$1" | grep -oE "$2=[0-9.]+" | cut -d= -f2; }
echo "/static/app.css" >"$WORK/static.txt"
# Latency with a few officers' worth of concurrency (4 connections), throughput with $CONNECTIONS.
# wrk's percentiles are corrected for coordinated omission (a stall counts for every request that would
# have been sent during it), so they show stalls as an officer arriving at any moment meets them.
# The ceiling: a static file without a token (no account look-up), as before accounts existed.
ceiling=$(TOKEN= bench "$CONNECTIONS" "" "$WORK/static.txt")
pin_tp=$(bench "$CONNECTIONS" "/api/v1/residents/" "$WORK/pins.txt")
pin=$(bench 4 "/api/v1/residents/" "$WORK/pins.txt")
pin_one=$(bench 1 "/api/v1/residents/" "$WORK/pins.txt")
# A steady stream instead of the most the server can answer: 64 connections, each waiting a random 64 ms
# on average between requests (about 1,000 look-ups a second, several times a province's busiest hour).
pin_steady=$(WRK_THINK_MS=64 bench 64 "/api/v1/residents/" "$WORK/pins.txt")
name_tp=$(bench "$CONNECTIONS" "/api/v1/residents/search" "$WORK/names.txt" name)
name=$(bench 4 "/api/v1/residents/search" "$WORK/names.txt" name)
rss_mb=$(( $(grep VmHWM /proc/$SERVER/status | awk '{print $2}') / 1024 ))
audit_entries=$(sqlite3 "$WORK/province.audit.sqlite" "SELECT count(*) FROM audit_entries")
kill $SERVER; wait $SERVER 2>/dev/null || true
echo "the same lookups without the audit trail..." >&2
serve --without-audit
pin_tp_off=$(bench "$CONNECTIONS" "/api/v1/residents/" "$WORK/pins.txt")
rows+=("| trivial endpoint (static CSS from memory), wrk -c$CONNECTIONS $DURATION | $(field "$ceiling" rps) req/s | framework ceiling | 1 |")
rows+=("| PIN lookup through the API (GET /api/v1/residents/{pin}, bearer token), wrk -c4 | p50 $(field "$pin" p50) ms, p99 $(field "$pin" p99) ms, $(field "$pin" rps) req/s | p99 ≤ 2 ms | |")
rows+=("| PIN lookup through the API, one request at a time (wrk -c1) | p50 $(field "$pin_one" p50) ms, p99 $(field "$pin_one" p99) ms, $(field "$pin_one" rps) req/s | | |")
rows+=("| PIN lookup through the API, a steady $(field "$pin_steady" rps) req/s (64 connections, random pauses of 64 ms on average) | p50 $(field "$pin_steady" p50) ms, p95 $(field "$pin_steady" p95) ms, p99 $(field "$pin_steady" p99) ms | | |")
rows+=("| PIN lookup through the API, wrk -c$CONNECTIONS, audited | $(field "$pin_tp" rps) req/s, p99 $(field "$pin_tp" p99) ms, errors $(field "$pin_tp" errors) | | $(ratio "$(field "$pin_tp" rps)" "$(field "$ceiling" rps)") of the ceiling |")
rows+=("| PIN lookup through the API, wrk -c$CONNECTIONS, audit off | $(field "$pin_tp_off" rps) req/s, p99 $(field "$pin_tp_off" p99) ms | audited ≥ 0.5 × this | audited/off $(ratio "$(field "$pin_tp" rps)" "$(field "$pin_tp_off" rps)") |")
rows+=("| name search through the API (POST, full names, no marks), wrk -c4 | p50 $(field "$name" p50) ms, p95 $(field "$name" p95) ms, p99 $(field "$name" p99) ms | p95 ≤ 20 ms | |")
rows+=("| name search through the API, wrk -c$CONNECTIONS | $(field "$name_tp" rps) req/s, p95 $(field "$name_tp" p95) ms | | $(ratio "$(field "$name_tp" rps)" "$(field "$ceiling" rps)") of the ceiling |")
rows+=("| server resident memory after the audited runs (peak) | $rss_mb MB | ≤ 300 MB | |")
rows+=("| audit entries written by the audited runs (one per read, group commit) | $audit_entries | | |")
kill $SERVER 2>/dev/null || true
SERVER=
print_table() {
  echo
  echo "| figure | measured | reference or limit | ratio |"
  echo "| --- | --- | --- | --- |"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB; $(date -u +%F)."
}
# ONLY_REGISTER=1: stop after the register figures (seed, import, look-ups), for a quicker look.
if [ -n "${ONLY_REGISTER:-}" ]; then print_table; exit 0; fi

AUDIT_ENTRIES=${AUDIT_ENTRIES:-10000000}
echo "audit trail of $AUDIT_ENTRIES entries..." >&2
t0=$(now); "$BIN" audit fill --db "$WORK/audit.sqlite" --entries "$AUDIT_ENTRIES" >/dev/null; t1=$(now)
fill_s=$(elapsed "$t0" "$t1")
t0=$(now); "$BIN" audit verify --db "$WORK/audit.sqlite" >"$WORK/verify.out"; t1=$(now)
verify_s=$(elapsed "$t0" "$t1")
rows+=("| cancuoc audit verify, $AUDIT_ENTRIES entries (SQLite) | $verify_s s ($(python3 -c "print(int($AUDIT_ENTRIES / $verify_s))") entries/s) | | |")
rows+=("| appending $AUDIT_ENTRIES audit entries in batches of 10,000 (SQLite) | $fill_s s | | |")

CARDS=${CARDS:-20000}
echo "personalising and verifying $CARDS cards..." >&2
"$BIN" card bench --count "$CARDS" >"$WORK/cards.out"
read -r _ cards p_s p_rate < <(grep '^personalise' "$WORK/cards.out")
read -r _ _ v_s v_rate < <(grep '^verify' "$WORK/cards.out")
rows+=("| personalise $cards whole cards in memory on every core (card data, MRZ, QR payload, PNG and SVG, DG1, DG2 with a 16 KB portrait, DG13, EF.COM, EF.SOD signed with ECDSA P-256) | $p_rate cards/s ($p_s s) | ≥ 2,000 cards/s | $(ratio "$p_rate" 2000) of the target |")
rows+=("| verify the same $cards cards (passive authentication: EF.SOD parsed, every hash, the signature, the DS chain once per signer, DS validity) | $v_rate cards/s ($v_s s) | ≥ 5,000 cards/s | $(ratio "$v_rate" 5000) of the target |")

echo "applications..." >&2
mapfile -t application_rows < <(DB="$WORK/province.sqlite" DURATION="$DURATION" scripts/bench-applications.sh)
rows+=("${application_rows[@]}")

echo "PostgreSQL..." >&2
mapfile -t postgres_rows < <(PEOPLE="$PEOPLE" DURATION="$DURATION" CONNECTIONS="$CONNECTIONS" scripts/bench-postgres.sh)
rows+=("${postgres_rows[@]}")

print_table
