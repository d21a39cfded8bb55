"""Industry divisions (行业大类) of GB/T 4754-2017 (data/industries.csv): the 97 two-digit divisions
with their sections (门类 A–T). A register entry names its industry by a division code or a finer
code of that division (3-digit group 中类, 4-digit class 小类), optionally after its section letter
("C3011"); only the division is checked against the catalog, the finer digits are kept as given.
The English names are the sections' (the divisions are named in Chinese only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ecer.catalogs._csv import read_package_csv, require

COLUMNS = ("code", "section", "name_zh", "section_name_zh", "section_name_en", "source")
CODE_FORMAT = re.compile(r"^(?P<section>[A-T])?(?P<code>\d{2}(?:\d{1,2})?)$")


@dataclass(frozen=True)
class Industry:
    code: str  # the division, two digits
    section: str
    name_zh: str
    section_name_zh: str
    section_name_en: str
    source: str


class UnknownIndustry(ValueError):  # noqa: N818 - the domain word
    """The code is not a GB/T 4754-2017 industry code; the message says why."""


@lru_cache(maxsize=1)
def load_industries() -> dict[str, Industry]:
    rows = read_package_csv("industries.csv", COLUMNS)
    out: dict[str, Industry] = {}
    for number, row in require(rows, COLUMNS):
        if not re.fullmatch(r"\d{2}", row["code"]) or not re.fullmatch(r"[A-T]", row["section"]):
            rows.problem(number, "a division is two digits in a section A–T", "code")
        if row["code"] in out:
            rows.problem(number, f"division {row['code']} is listed twice", "code")
        out[row["code"]] = Industry(**{name: row[name] for name in COLUMNS})
    rows.raise_if_problems()
    return out


def normalise_industry_code(text: str) -> str:
    """The code without its section letter ("C3011" → "3011"); raises UnknownIndustry naming the
    problem: not 2–4 digits, an unknown division, or a section letter that is not the division's."""
    found = CODE_FORMAT.match(text.strip().upper())
    if not found:
        raise UnknownIndustry(f"'{text}' is not a GB/T 4754 industry code (2–4 digits, optionally after "
                              "the section letter, e.g. 3011 or C3011)")
    code = found["code"]
    division = load_industries().get(code[:2])
    if division is None:
        raise UnknownIndustry(f"'{text}': there is no division {code[:2]} in GB/T 4754-2017")
    if found["section"] and found["section"] != division.section:
        raise UnknownIndustry(f"'{text}': division {code[:2]} ({division.name_zh}) is in section "
                              f"{division.section}, not {found['section']}")
    return code


def industry_of(code: str) -> Industry:
    """The division of a (normalised) industry code."""
    return load_industries()[code[:2]]
