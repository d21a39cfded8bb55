#!/usr/bin/env bash
# Install ECER into .venv and run the demo platform on the embedded default (SQLite + local files).
# Extra arguments go to `ecer demo` (e.g. --port 8001).
source "$(dirname "$0")/_env.sh" ""
bash "$ROOT/scripts/ensure-report-tools.sh"
exec ecer demo "$@"
