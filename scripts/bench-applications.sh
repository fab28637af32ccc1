#!/usr/bin/env bash
# The applications issue's figures (part of make bench; runs alone too): intake through the API, intake with a
# 200 KB photo, a production batch personalised and exported, queues at two million applications.
# Prints markdown table rows. DB: a seeded register to use (else one of APP_PEOPLE residents is seeded).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/release/cancuoc
DURATION=${DURATION:-30s}
BATCH=${BATCH:-10000}
QUEUE_APPLICATIONS=${QUEUE_APPLICATIONS:-2000000}
WORK=$(mktemp -d /tmp/cancuoc-bench-apps.XXXXXX)
export SWIFT_BACKTRACE=enable=no CANCUOC_PKI_PASSPHRASE="bench passphrase $(date +%s)"
SERVER=
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
field() { echo "$1" | grep -oE "$2=[0-9.]+" | cut -d= -f2; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
rows=()

DBFILE="$WORK/apps.sqlite"
if [ -n "${DB:-}" ]; then
  cp "$DB" "$DBFILE"
  # A register that has been opened has its audit trail beside it, and does not open without it.
  [ -f "${DB%.sqlite}.audit.sqlite" ] && cp "${DB%.sqlite}.audit.sqlite" "$WORK/apps.audit.sqlite"
  [ -f "${DB%.sqlite}.keys" ] && cp "${DB%.sqlite}.keys" "$WORK/apps.keys"
else
  echo "seeding ${APP_PEOPLE:=2200000} residents for the applications figures..." >&2
  "$BIN" seed --province 38 --people "$APP_PEOPLE" --seed 2022 --db "$DBFILE" >/dev/null
fi
"$BIN" user add --db "$DBFILE" --username bench.desk --role province-officer --unit 38 >/dev/null
TOKEN=$("$BIN" token issue --db "$DBFILE" --username bench.desk --days 1 --rate-limit 1000000000)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
serve() {
  "$BIN" serve --db "$DBFILE" --host 127.0.0.1 --port "$PORT" --pki "$WORK/pki" >/dev/null 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
}
stop() { kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; SERVER=; }

# 1. Intake through the API: each request a complete application (record checked, eligibility, fee, due date,
#    receipt code, audit) for another resident.
sqlite3 "$DBFILE" "SELECT pin FROM residents WHERE pin IS NOT NULL AND death_date IS NULL AND missing_since IS NULL
                   AND perm_unit IS NOT NULL AND birth_date < '2008' ORDER BY random() LIMIT 300000" >"$WORK/pins.txt"
serve
echo "intake through the API..." >&2
intake=$(WRK_MODE=intake WRK_LIST="$WORK/pins.txt" WRK_TOKEN="$TOKEN" WRK_THREADS=2 wrk -t2 -c16 -d"$DURATION" -s bench/writes.lua "http://127.0.0.1:$PORT" | grep RESULT)
rows+=("| intake through the API (POST /api/v1/applications: record check, eligibility, fee, due date, receipt code, audit), wrk -c16 $DURATION | $(field "$intake" succeeded_rps) applications/s created ($(field "$intake" succeeded) of $(field "$intake" requests) requests; the rest are records that need correcting first), p50 $(field "$intake" p50) ms, p99 $(field "$intake" p99) ms | ≥ 500 applications/s | $(ratio "$(field "$intake" succeeded_rps)" 500) of the target |")

# 2. The same with a 200 KB face photo each: the photo upload (checked, sealed, stored) measured on the
#    applications just created, combined with the intake rate.
python3 - "$WORK/face200.jpg" <<'PY'
import sys
small = open("bench/face-240x320.jpg", "rb").read()
pad = b""
while len(small) + len(pad) < 200 * 1024:
    pad += b"\xff\xfe\x0f\xa2" + b" " * 0x0fa0
open(sys.argv[1], "wb").write(small[:2] + pad + small[2:])
PY
sqlite3 "$DBFILE" "SELECT id FROM applications WHERE state = 'received' ORDER BY id" >"$WORK/ids.txt"
echo "200 KB photos..." >&2
upload=$(WRK_MODE=upload WRK_LIST="$WORK/ids.txt" WRK_FILE="$WORK/face200.jpg" WRK_TOKEN="$TOKEN" WRK_THREADS=2 wrk -t2 -c16 -d"$DURATION" -s bench/writes.lua "http://127.0.0.1:$PORT" | grep RESULT)
combined=$(python3 -c "a=$(field "$intake" succeeded_rps); b=$(field "$upload" succeeded_rps); print(f'{1/(1/a+1/b):.1f}')")
rows+=("| 200 KB face photo per application (PUT …/biometrics/face: JPEG checked, AES-GCM sealed, stored), wrk -c16 | $(field "$upload" succeeded_rps) photos/s, $(field "$upload" mb_s) MB/s, p99 $(field "$upload" p99) ms; intake with its photo: $combined applications/s | | |")
stop

# 3. A production batch: approved applications with their biometrics, personalised and exported.
"$BIN" pki init --pki "$WORK/pki" >/dev/null
echo "preparing $BATCH approved applications..." >&2
"$BIN" applications bench-prepare --db "$DBFILE" --count "$BATCH" >"$WORK/prepare.out"
"$BIN" batches create --db "$DBFILE" --size "$BATCH" >"$WORK/batch.json"
batch_id=$(python3 -c "import json; print(json.load(open('$WORK/batch.json'))['id'])")
sleep 30  # ext4 is slow to create files right after many were deleted; let earlier runs' deletions settle
t0=$(date +%s.%N)
"$BIN" batches run "$batch_id" --db "$DBFILE" --pki "$WORK/pki" --out "$WORK/out" >"$WORK/run.json" 2>"$WORK/run.err"
t1=$(date +%s.%N)
batch_s=$(python3 -c "print(f'{$t1 - $t0:.1f}')")
cards=$(wc -l <"$WORK/out/batch-$batch_id/manifest.jsonl")
rows+=("| production batch of $BATCH approved applications: personalised (faces from intake, EF.SOD signed, cards stored with their applications' moves) and exported (chip files, card.json, manifest.jsonl) in one pass, one process | $batch_s s; $cards cards in the manifest | ≤ 10 s | $(ratio "$batch_s" 10) of the limit |")

# 4. Queues at two million applications (filled with SQL beside the ones above), read by the API.
echo "filling $QUEUE_APPLICATIONS applications..." >&2
sqlite3 "$DBFILE" "INSERT INTO applications (province_code, resident_id, pin, kind, reason, state, receipt_code, request_id, site,
    application_date, due_date, fee_vnd, exemption, created_at, updated_at, commune, stage_due, collected_document)
  SELECT province_code, id, pin, 'first', NULL,
         CASE id % 6 WHEN 0 THEN 'received' WHEN 1 THEN 'transferred' WHEN 2 THEN 'approved' WHEN 3 THEN 'personalised'
                     WHEN 4 THEN 'printed' ELSE 'dispatched' END,
         'B' || id, NULL, '38', '2021-03-01', '2021-03-10', 0, NULL, 0, 0, perm_unit, date('2021-03-01', '+' || (id % 40) || ' days'), NULL
  FROM residents r WHERE pin IS NOT NULL AND perm_unit IS NOT NULL
    AND id NOT IN (SELECT resident_id FROM applications) LIMIT $QUEUE_APPLICATIONS;
  ANALYZE;"
total=$(sqlite3 "$DBFILE" "SELECT count(*) FROM applications")
commune=$(sqlite3 "$DBFILE" "SELECT commune FROM applications GROUP BY commune ORDER BY count(*) DESC LIMIT 1")
"$BIN" user add --db "$DBFILE" --username bench.xa --role commune-officer --unit "$commune" >/dev/null
COMMUNE_TOKEN=$("$BIN" token issue --db "$DBFILE" --username bench.xa --days 1 --rate-limit 1000000000)
printf '%s\n' "?state=received" "?state=transferred" "?state=approved&page=20" "?state=received&overdue=true" >"$WORK/queues.txt"
serve
queue=$(WRK_PREFIX="/api/v1/applications" WRK_LIST="$WORK/queues.txt" WRK_TOKEN="$TOKEN" wrk -t1 -c4 -d10s -s bench/pins.lua "http://127.0.0.1:$PORT" | grep RESULT)
local_queue=$(WRK_PREFIX="/api/v1/applications" WRK_LIST="$WORK/queues.txt" WRK_TOKEN="$COMMUNE_TOKEN" wrk -t1 -c4 -d10s -s bench/pins.lua "http://127.0.0.1:$PORT" | grep RESULT)
stop
rows+=("| province queue at $total applications (GET /api/v1/applications: 50 most overdue of a state, counts per state capped at 10,000, audit), wrk -c4 10s | p50 $(field "$queue" p50) ms, p99 $(field "$queue" p99) ms, $(field "$queue" rps) req/s | ≤ 100 ms | p99 $(ratio "$(field "$queue" p99)" 100) of the limit |")
rows+=("| a commune officer's queue (the busiest commune) at $total applications, wrk -c4 10s | p50 $(field "$local_queue" p50) ms, p99 $(field "$local_queue" p99) ms | ≤ 100 ms | p99 $(ratio "$(field "$local_queue" p99)" 100) of the limit |")
printf '%s\n' "${rows[@]}"
