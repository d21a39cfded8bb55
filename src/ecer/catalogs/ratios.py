"""The bundled ratio bands (data/plausibility_ratios.csv), checked against the variables catalog."""

from __future__ import annotations

from functools import lru_cache

from ecer.catalogs._csv import read_package_csv
from ecer.catalogs.plausibility import RATIO_COLUMNS, RatioCheck, build_ratio_checks
from ecer.catalogs.variables import load_variables


@lru_cache(maxsize=1)
def load_ratio_checks() -> tuple[RatioCheck, ...]:
    """The bundled ratio bands (ecer/catalogs/data/plausibility_ratios.csv)."""
    return build_ratio_checks(read_package_csv("plausibility_ratios.csv", RATIO_COLUMNS),
                              frozenset(load_variables().codes()))
