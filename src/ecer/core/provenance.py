"""Provenance: every published number answers "why" — inputs (with data versions), rule, rule
version, parameters and a bilingual explanation (ARCHITECTURE: "Every published number can answer why").

Data versions are passed in by the caller (observation ids, import batches, catalog versions); the
core does not know where data came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: Rule name → version. Bump a version whenever the arithmetic of that rule changes, so stored
#: results computed under an older version can be told apart.
RULE_VERSIONS: dict[str, str] = {
    "progress.reduction": "1",
    "progress.level": "1",
    "barometer.ndrc2020_ten_percent": "1",
    "barometer.ndrc2021_rise": "1",
    "total_energy.budget": "1",
    "deductions": "1",
    "forecast.loglinear_t": "1",
}


@dataclass(frozen=True)
class InputRef:
    """One input of a result: what, where, when, value and unit, and which data version it came from."""

    name: str
    value: float | None = None
    unit: str | None = None
    region: str | None = None
    year: int | None = None
    data_version: str | None = None
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Provenance:
    """Why a result is what it is."""

    rule: str
    rule_version: str
    inputs: tuple[InputRef, ...]
    parameters: Mapping[str, Any] = field(default_factory=dict)
    explanation_zh: str = ""
    explanation_en: str = ""
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "rule_version": self.rule_version,
            "inputs": [i.to_dict() for i in self.inputs],
            "parameters": dict(self.parameters),
            "explanation_zh": self.explanation_zh,
            "explanation_en": self.explanation_en,
            "notes": list(self.notes),
        }


def rule_version(rule: str) -> str:
    """Version of a named rule; KeyError for an unknown rule (a typo must not pass silently)."""
    return RULE_VERSIONS[rule]
