"""AccountingInputError survives its trip through a result row's text."""

from __future__ import annotations

from ecer.core.errors import AccountingInputError


def test_the_error_comes_back_from_its_text_with_region_indicator_year_and_reason() -> None:
    original = AccountingInputError("energy consumption is missing", region="510800", indicator="energy_total",
                                    year=2023)
    back = AccountingInputError.from_text(str(original))
    assert (back.region, back.indicator, back.year, back.reason) == ("510800", "energy_total", 2023,
                                                                    "energy consumption is missing")
    assert str(back) == str(original)


def test_text_without_the_place_prefix_is_all_reason() -> None:
    for text in ("the formula: division by zero", "no data", "a: b: c", "regional totals: x"):
        back = AccountingInputError.from_text(text)
        assert (back.region, back.indicator, back.year, back.reason) == (None, None, None, text)
