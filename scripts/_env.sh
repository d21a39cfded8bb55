# Sourced by the other scripts: makes .venv and installs the project into it when
# pyproject.toml changed since the last install (a stamp file holds its hash).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
EXTRAS="${1:-}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
    .venv/bin/python -m pip install -q --upgrade pip
fi
stamp=".venv/.ecer-installed${EXTRAS:+-$EXTRAS}"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "Installing ECER and its dependencies into .venv …" >&2
    .venv/bin/python -m pip install -q -e ".${EXTRAS:+[$EXTRAS]}"
    echo "$want" > "$stamp"
fi
bash "$ROOT/scripts/web-assets.sh"
export PATH="$ROOT/.venv/bin:$PATH"
