#!/usr/bin/env bash
# Installs what building and testing CanCuoc needs on a fresh Debian machine that has only the
# Swift toolchain: Debian packages through apt-get, Python test packages into .venv through pip.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v sqlite3 >/dev/null || need+=(sqlite3)
[ -f /usr/include/sqlite3.h ] || need+=(libsqlite3-dev)
# The card's QR code: libqrencode, drawn into PNG with zlib (system-library targets CQRencode, CZlib).
[ -f /usr/include/qrencode.h ] || need+=(libqrencode-dev)
[ -f /usr/include/zlib.h ] || need+=(zlib1g-dev)
command -v python3 >/dev/null || need+=(python3)
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
# PostgreSQL: the test command starts a throwaway cluster of its own (no system service is used).
ls -d /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v psql >/dev/null || need+=(postgresql-client)
if [ "${WITH_BROWSER:-1}" = 1 ]; then
  command -v chromium >/dev/null || need+=(chromium)
  command -v chromedriver >/dev/null || need+=(chromium-driver)
fi
if [ "${WITH_BENCH:-0}" = 1 ]; then
  command -v wrk >/dev/null || need+=(wrk)
  command -v curl >/dev/null || need+=(curl)
  [ -x /usr/bin/time ] || need+=(time)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ "${WITH_BROWSER:-1}" = 1 ]; then
  if [ ! -x .venv/bin/pytest ] || ! .venv/bin/python -c 'import selenium, requests, cryptography, asn1crypto, zxingcpp, PIL, mrz' 2>/dev/null; then
    echo "installing Python test packages into .venv"
    python3 -m venv .venv
    .venv/bin/pip install -q -r e2e/requirements.txt
  fi
fi
