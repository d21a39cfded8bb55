"""Declared units → what the roll-up does with each (MN, factor): convert, or leave out and count.

A device's declaration (registry: `monitoring.DeclaredUnit`) says which unit it sends a factor in.
Without one, the device is taken to send the factor's unit of the HJ 212 code table. The roll-up
brings every value to the *reference unit*: the code table's unit, except for the flows, whose
reference is `AnalyticsParams.flow_unit` (the unit the emission-amount formula is written for).
Rules: docs/monitoring-analytics.md ("Units that do not match the factor").
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from ecer.analytics.params import FLOW_FACTORS, AnalyticsParams
from ecer.hj212.units import check


@dataclass(frozen=True)
class UnitRule:
    mn: str
    factor: str
    unit: str  # as declared
    scale: float | None  # declared → reference; None: not convertible (left out, counted)
    note: str  # the reason shown with the values


def reference_unit(factor: str, params: AnalyticsParams) -> str | None:
    for kind, code in FLOW_FACTORS.items():
        if factor == code:
            return params.flow_unit[kind]
    return None  # the code table's unit (hj212.units.check's default)


def rules(declarations: Iterable[tuple[str, str, str]], params: AnalyticsParams) -> list[UnitRule]:
    """The declarations (mn, factor, unit) that change anything: a conversion or a mismatch.
    A declaration of the reference unit itself, or of a factor outside the code table, needs no rule."""
    out = []
    for mn, factor, unit in sorted(set(declarations)):
        c = check(factor, unit, reference_unit(factor, params))
        if c.scale != 1.0:
            out.append(UnitRule(mn, factor, unit, c.scale, c.note(factor)))
    return out


def digest(rules_: list[UnitRule]) -> str:
    """Identifies a set of rules: roll-ups made under other rules are recomputed (store.update)."""
    text = json.dumps([[r.mn, r.factor, r.unit, r.scale] for r in rules_])
    return hashlib.sha256(text.encode()).hexdigest()[:16]
