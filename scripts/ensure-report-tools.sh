#!/usr/bin/env bash
# Reports (ecer report, /reports/) set their text in the Fandol fonts (仿宋 FandolFang, 黑体 FandolHei,
# 楷体 FandolKai, 宋体 FandolSong), which Debian ships in texlive-lang-chinese; PDF reports are the Word
# file laid out by LibreOffice (libreoffice-writer-nogui); the tests read PDFs with poppler-utils.
# Install them when missing and we are allowed to (root with apt-get); otherwise say how.
set -euo pipefail
have() { command -v "$1" >/dev/null 2>&1; }
FONTS=/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol
if [ -f "$FONTS/FandolFang-Regular.otf" ] && have soffice && have pdffonts; then exit 0; fi
PACKAGES="texlive-lang-chinese libreoffice-writer-nogui poppler-utils"
if [ "$(id -u)" = 0 ] && have apt-get; then
    echo "Installing Debian packages $PACKAGES for the reports (fonts, PDF layout) …" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
else
    echo "Reports need Debian's fonts and LibreOffice: sudo apt-get install --no-install-recommends $PACKAGES" >&2
fi
