#!/usr/bin/env bash
# Front-end libraries (Apache ECharts) from the npm registry, pinned by package-lock.json: `npm ci`
# into node_modules/, then the browser builds are copied into the app's static files
# (src/ecer/web/static/web/vendor/, git-ignored). Nothing is committed, nothing comes from a CDN.
# Runs again only when package-lock.json changed (a stamp holds its hash) or a file is missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENDOR="src/ecer/web/static/web/vendor"
# source in node_modules → name under vendor/
FILES=("echarts/dist/echarts.min.js:echarts.min.js" "echarts/LICENSE:echarts.LICENSE.txt")
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp="$VENDOR/.installed"
complete=1
for f in "${FILES[@]}"; do [ -f "$VENDOR/${f#*:}" ] || complete=0; done
if [ "$complete" = 1 ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then exit 0; fi
if ! command -v npm >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "Installing Debian packages nodejs and npm for the front-end libraries …" >&2
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    else
        echo "The pages need npm to install Apache ECharts: sudo apt-get install nodejs npm" >&2
        exit 1
    fi
fi
echo "Installing the front-end libraries (npm ci: $(grep -o '"echarts": "[^"]*"' package.json | head -1)) …" >&2
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
mkdir -p "$VENDOR"
for f in "${FILES[@]}"; do cp "node_modules/${f%%:*}" "$VENDOR/${f#*:}"; done
echo "$want" > "$stamp"
