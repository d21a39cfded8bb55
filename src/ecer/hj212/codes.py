"""Factor (pollutant/parameter) codes as data: `data/factor_codes.csv`, each row with its source.

HJ 212-2017 codes (`w01018`, `a21026`, ...) are the canonical form; HJ/T 212-2005 codes (`011`,
`02`, `B01`, ...) map to them. Codes not in the table stay as sent: factor codes are an open set.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ecer.hj212.packet import Edition


@dataclass(frozen=True, slots=True)
class FactorCode:
    code: str  # 2017 code
    name_zh: str
    name_en: str
    unit: str
    kind: str  # water | air
    code_2005: str | None
    source: str


@cache
def factor_codes() -> dict[str, FactorCode]:
    """The table, by 2017 code."""
    text = resources.files("ecer.hj212").joinpath("data/factor_codes.csv").read_text(encoding="utf-8")
    table: dict[str, FactorCode] = {}
    for row in csv.DictReader(io.StringIO(text)):
        table[row["code"]] = FactorCode(row["code"], row["name_zh"], row["name_en"], row["unit"], row["kind"],
                                        row["code_2005"] or None, row["source"])
    return table


@cache
def _from_2005() -> dict[str, str]:
    return {f.code_2005: f.code for f in factor_codes().values() if f.code_2005}


def normalise_factor(code: str, edition: Edition) -> str:
    """The 2017 code for a factor code as sent by a device of `edition`.

    2005 codes are mapped only for 2005 packets: a 2017/2025 device that sends `01` means whatever
    its vendor means, so such codes are kept as sent rather than guessed.
    """
    if edition is Edition.HJT212_2005:
        return _from_2005().get(code, code)
    return code


def describe_factor(code: str, edition: Edition = Edition.HJ212_2017) -> FactorCode | None:
    return factor_codes().get(normalise_factor(code, edition))
