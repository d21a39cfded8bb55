"""Sample packets from the shared reference data (read from SHARED_DIR, never copied into tests)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SHARED_DIR = Path(os.environ.get("ECER_SHARED_DIR", Path(__file__).resolve().parents[2].parent / "shared"))
SAMPLES_TSV = SHARED_DIR / "data" / "hj212" / "sample-packets.tsv"


@dataclass(frozen=True)
class Sample:
    id: str
    expect: str
    packet: bytes


def load_samples() -> list[Sample]:
    rows = []
    lines = [ln for ln in SAMPLES_TSV.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    for line in lines[1:]:
        cols = line.split("\t")
        rows.append(Sample(cols[0], cols[1], cols[2].encode("ascii")))
    return rows


