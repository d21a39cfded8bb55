"""Administrative regions (GB/T 2260 codes) and Sichuan's five economic zones, as a tree.

The bundled tree is 中华人民共和国 100000 (level `country`, the root, so national statistics and the national
plan have a region to hang on) → 四川省 510000 → its 21 市(州). Counties (level `county`, parent a city) are
admitted by the loader but not shipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ecer.catalogs._csv import CsvRows, read_csv_text, read_package_csv, require
from ecer.errors import InputFileError, Problem

LEVELS = ("country", "province", "city", "county")
# A child's level must be exactly one step below its parent's.
_PARENT_LEVEL = {"province": "country", "city": "province", "county": "city"}
REGION_COLUMNS = ("code", "parent", "level", "name_zh", "name_en", "zone", "source")
ZONE_COLUMNS = ("code", "name_zh", "name_en", "source")


@dataclass(frozen=True)
class Zone:
    code: str
    name_zh: str
    name_en: str
    source: str


@dataclass(frozen=True)
class Region:
    code: str
    parent: str | None
    level: str
    name_zh: str
    name_en: str
    zone: str | None
    source: str


class RegionCatalog:
    """Regions by code, with tree navigation. Iteration is in tree order (depth first, by code)."""

    def __init__(self, regions: list[Region], zones: list[Zone]) -> None:
        self._by_code = {region.code: region for region in regions}
        self._children: dict[str | None, list[str]] = {}
        for region in sorted(regions, key=lambda r: r.code):
            self._children.setdefault(region.parent, []).append(region.code)
        self.zones = {zone.code: zone for zone in zones}

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __len__(self) -> int:
        return len(self._by_code)

    def __iter__(self) -> Iterator[Region]:
        return iter(self.tree_order())

    def get(self, code: str) -> Region:
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f"unknown region code '{code}'") from None

    def roots(self) -> list[Region]:
        return [self._by_code[code] for code in self._children.get(None, [])]

    def children(self, code: str) -> list[Region]:
        self.get(code)
        return [self._by_code[child] for child in self._children.get(code, [])]

    def descendants(self, code: str) -> list[Region]:
        """Every region below `code`, in tree order (not including `code` itself)."""
        found: list[Region] = []
        for child in self.children(code):
            found.append(child)
            found.extend(self.descendants(child.code))
        return found

    def path(self, code: str) -> list[Region]:
        """From the root down to `code` inclusive."""
        chain = [self.get(code)]
        while chain[-1].parent is not None:
            chain.append(self.get(chain[-1].parent))
        return list(reversed(chain))

    def tree_order(self) -> list[Region]:
        ordered: list[Region] = []
        for root in self.roots():
            ordered.append(root)
            ordered.extend(self.descendants(root.code))
        return ordered

    def in_zone(self, zone: str) -> list[Region]:
        return [region for region in self.tree_order() if region.zone == zone]

    def province_of(self, code: str) -> Region | None:
        """The province `code` lies in (itself when it is one), or None for the country."""
        return next((region for region in self.path(code) if region.level == "province"), None)


def _check_region_row(rows: CsvRows, number: int, row: dict[str, str], zones: set[str]) -> None:
    code = row["code"]
    if len(code) != 6 or not code.isdigit():
        rows.problem(number, f"region code must be 6 digits (GB/T 2260), got '{code}'", "code")
    if row["level"] not in LEVELS:
        rows.problem(number, f"level must be one of {', '.join(LEVELS)}, got '{row['level']}'", "level")
    if row["zone"] and row["zone"] not in zones:
        rows.problem(number, f"unknown economic zone '{row['zone']}'", "zone")


def _check_tree(rows: CsvRows, regions: list[tuple[int, Region]]) -> None:
    by_code: dict[str, Region] = {}
    for number, region in regions:
        if region.code in by_code:
            rows.problem(number, f"duplicate region code '{region.code}'", "code")
        by_code[region.code] = region
    for number, region in regions:
        if region.parent is None:
            if region.level != "country" and region.level != "province":
                rows.problem(number, f"a {region.level} needs a parent region", "parent")
            continue
        parent = by_code.get(region.parent)
        if parent is None:
            rows.problem(number, f"parent '{region.parent}' is not in the catalog", "parent")
        elif _PARENT_LEVEL.get(region.level) != parent.level:
            rows.problem(
                number, f"a {region.level} cannot have a {parent.level} ('{parent.code}') as parent", "parent"
            )


def _zones(rows: CsvRows) -> list[Zone]:
    return [
        Zone(row["code"], row["name_zh"], row["name_en"], row["source"])
        for _, row in require(rows, ZONE_COLUMNS)
    ]


def build_catalog(region_rows: CsvRows, zone_rows: CsvRows) -> RegionCatalog:
    """Validate parsed rows and build the catalog; raises InputFileError listing every problem."""
    zones = _zones(zone_rows)
    zone_codes = {zone.code for zone in zones}
    regions: list[tuple[int, Region]] = []
    for number, row in require(region_rows, ("code", "level", "name_zh", "name_en", "source")):
        before = len(region_rows.problems)
        _check_region_row(region_rows, number, row, zone_codes)
        if len(region_rows.problems) == before:
            region = Region(
                row["code"],
                row["parent"] or None,
                row["level"],
                row["name_zh"],
                row["name_en"],
                row["zone"] or None,
                row["source"],
            )
            regions.append((number, region))
    _check_tree(region_rows, regions)
    problems: list[Problem] = zone_rows.problems + region_rows.problems
    if problems:
        raise InputFileError(problems)
    return RegionCatalog([region for _, region in regions], zones)


def read_regions_file(path: str | Path, zones_path: str | Path | None = None) -> RegionCatalog:
    """Load a region catalog from a CSV of the same layout (e.g. one with counties added)."""
    zone_rows = (
        read_csv_text(Path(zones_path).read_text(encoding="utf-8"), str(zones_path), ZONE_COLUMNS)
        if zones_path is not None
        else read_package_csv("zones.csv", ZONE_COLUMNS)
    )
    region_rows = read_csv_text(Path(path).read_text(encoding="utf-8"), str(path), REGION_COLUMNS)
    return build_catalog(region_rows, zone_rows)


@lru_cache(maxsize=1)
def load_regions() -> RegionCatalog:
    """The bundled catalog: China (root), Sichuan and its 21 市(州), with their economic zones."""
    return build_catalog(
        read_package_csv("regions.csv", REGION_COLUMNS), read_package_csv("zones.csv", ZONE_COLUMNS)
    )
