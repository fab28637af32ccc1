#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster on a free loopback port, exported as
# CANCUOC_TEST_PG (a superuser URL); the cluster is stopped and removed afterwards, pass or fail.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d /tmp/cancuoc-pg.XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
trap 'scripts/pg-cluster.sh stop "$dir"' EXIT
scripts/pg-cluster.sh start "$dir" "$port" fast
export CANCUOC_TEST_PG="postgres://cancuoc:cancuoc@127.0.0.1:$port/postgres?sslmode=disable"
echo "PostgreSQL test cluster on 127.0.0.1:$port"
"$@"
