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
# setup.py and the .pyx too: the compiled codec is built by the install, and an editable install
# does not rebuild it when its source changes
want="$(cat pyproject.toml setup.py src/ecer/hj212/_speedups.pyx | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "Installing ECER and its dependencies into .venv …" >&2
    .venv/bin/python -m pip install -q -e ".${EXTRAS:+[$EXTRAS]}"
    echo "$want" > "$stamp"
fi
bash "$ROOT/scripts/web-assets.sh"
export PATH="$ROOT/.venv/bin:$PATH"
