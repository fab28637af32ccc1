#!/usr/bin/env bash
# Browser tests: pytest + Selenium + Debian's chromium, against a real server the fixtures start.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pytest -q e2e "$@"
