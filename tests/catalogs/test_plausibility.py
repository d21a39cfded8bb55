"""The catalog's plausibility rules: interval parsing, every variable has a range, pure checks."""

from __future__ import annotations

import pytest

from ecer.catalogs._csv import read_csv_text
from ecer.catalogs.plausibility import SOFT, check_change, check_range, parse_range
from ecer.catalogs.ratios import load_ratio_checks
from ecer.catalogs.variables import CHECK_COLUMNS, VARIABLE_COLUMNS, build_variables, load_variables
from ecer.errors import InputFileError


def test_interval_notation() -> None:
    r = parse_range("(0, 100]")
    assert not r.contains(0) and r.contains(0.001) and r.contains(100) and not r.contains(100.1)
    assert not r.contains(float("inf")) and not r.contains(float("nan"))
    assert parse_range("[0, ]").contains(1e300) and parse_range("").unbounded
    assert str(parse_range("[80,150]")) == "[80, 150]"
    for bad in ("0-100", "[5, 1]", "[a, 2]"):
        with pytest.raises(ValueError):
            parse_range(bad)


def test_every_bundled_variable_has_a_bounded_range_and_levels_are_percentages() -> None:
    for variable in load_variables():
        assert not variable.valid_range.unbounded, variable.code
        if variable.unit == "pct":
            assert (variable.valid_range.low, variable.valid_range.high) == (0, 100), variable.code
        if variable.code.endswith("_emission"):
            assert variable.valid_range.low == 0 and variable.valid_range.low_inclusive
    assert load_variables().get("gdp_index").valid_range == parse_range("[80, 150]")
    assert {r.code for r in load_ratio_checks()} >= {"energy_per_gdp"}


def test_a_malformed_check_column_is_named() -> None:
    header = ",".join(VARIABLE_COLUMNS + CHECK_COLUMNS)
    text = f"{header}\nx,名,name,pct,level,d,s,0..100,-3\n"
    with pytest.raises(InputFileError) as err:
        build_variables(read_csv_text(text, "v.csv", VARIABLE_COLUMNS + CHECK_COLUMNS))
    assert "field 'valid_range'" in str(err.value) and "field 'yoy_change_pct'" in str(err.value)


def test_checks() -> None:
    assert check_range("x", 5, parse_range("[0, 10]"), "pct") is None
    assert check_change("x", 130, 100, 2020, 30) is None
    found = check_change("x", 131, 100, 2020, 30)
    assert found is not None and found.severity == SOFT and "+31.0%" in found.message_en
    assert check_change("x", 131, None, 2020, 30) is None and check_change("x", 5, 0, 2020, 30) is None
