"""Evaluate an indicator formula (`ecer.catalogs.formula`) on region × year panels.

Pure: takes the panels of the variables it needs, returns the indicator panel in the indicator's
unit. `constant(current, index)` is chained at the price base year; the numerator `energy_total`
of a ratio (not of a share) is replaced by the energy after deductions when the caller passes it.
"""

from __future__ import annotations

from collections.abc import Mapping

from ecer.catalogs.formula import Constant, Direct, Formula, Operand, Ratio, Var
from ecer.core.errors import AccountingInputError
from ecer.core.intensity import constant_price_series
from ecer.core.panel import Panel, require_same_axes

ENERGY_TOTAL = "energy_total"


def divides_total_energy(formula: Formula) -> bool:
    """Is the formula a ratio (not a share) with `energy_total` as its numerator? Only such an
    intensity uses energy after deductions; a share of energy_total (e.g. non_fossil_share) does not."""
    return (isinstance(formula, Ratio) and not formula.is_share and isinstance(formula.num, Var)
            and formula.num.code == ENERGY_TOTAL)


def _operand(op: Operand, panels: Mapping[str, Panel], price_base_year: int, indicator: str) -> Panel:
    if isinstance(op, Var):
        return _get(panels, op.code, indicator)
    assert isinstance(op, Constant)
    return constant_price_series(_get(panels, op.current, indicator), _get(panels, op.index, indicator),
                                 price_base_year)


def _get(panels: Mapping[str, Panel], code: str, indicator: str) -> Panel:
    if code not in panels:
        raise AccountingInputError(f"variable {code} has no data", indicator=indicator)
    return panels[code]


def evaluate_formula(
    formula: Formula,
    panels: Mapping[str, Panel],
    indicator: str,
    unit: str,
    price_base_year: int,
    energy_after_deductions: Panel | None = None,
) -> Panel:
    """Indicator values (regions × years, in `unit`) from the formula's variables."""
    if isinstance(formula, Direct):
        panel = _get(panels, formula.var.code, indicator)
        panel.require_finite(f"{formula.var.code} value")
        return Panel(indicator, unit, panel.regions, panel.years, panel.values)
    assert isinstance(formula, Ratio)
    num = _operand(formula.num, panels, price_base_year, indicator)
    if energy_after_deductions is not None and divides_total_energy(formula):
        num = energy_after_deductions
    den = _operand(formula.den, panels, price_base_year, indicator)
    require_same_axes(num, den)
    num.require_non_negative(f"{num.variable} (numerator)")
    den.require_positive(f"{den.variable} (denominator)")
    return Panel(indicator, unit, num.regions, num.years, num.values / den.values * formula.scale)
