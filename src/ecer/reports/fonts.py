"""The report fonts: 仿宋 for the body, 黑体 for first-level and 楷体 for second-level headings, 宋体 for the title (GB/T 9704 uses 小标宋;
Debian has no free 小标宋, 宋体 Bold stands in). They are the Fandol fonts of TeX Live, installed from
Debian's `texlive-lang-chinese` by scripts/ensure-report-tools.sh; ECER_REPORT_FONT_DIR points elsewhere."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_FONT_DIR = "ECER_REPORT_FONT_DIR"
DEFAULT_FONT_DIR = Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol")


@dataclass(frozen=True)
class Face:
    family: str  # the name Word and LibreOffice know it by
    file: str


BODY = Face("FandolFang", "FandolFang-Regular.otf")  # 仿宋
HEADING = Face("FandolHei", "FandolHei-Regular.otf")  # 黑体
SUBHEADING = Face("FandolKai", "FandolKai-Regular.otf")  # 楷体, the second-level headings
TITLE = Face("FandolSong", "FandolSong-Bold.otf")  # 宋体 Bold, for 小标宋
FACES = (BODY, HEADING, SUBHEADING, TITLE)


class MissingFont(RuntimeError):
    pass


def font_dir() -> Path:
    raw = os.environ.get(ENV_FONT_DIR, "").strip()
    return Path(raw) if raw else DEFAULT_FONT_DIR


def font_path(face: Face) -> Path:
    """The font file of `face`; MissingFont names the file, the directory and how to install it."""
    path = font_dir() / face.file
    if not path.is_file():
        raise MissingFont(f"report font {face.file} ({face.family}) not found in {font_dir()}: install Debian's "
                          f"texlive-lang-chinese (scripts/ensure-report-tools.sh) or set {ENV_FONT_DIR}")
    return path


def check_fonts() -> None:
    for face in FACES:
        font_path(face)
