"""Plain inputs of the evaluation: plan targets, regional targets and regions, without Django.

Both gatherers produce these: `gather_db` from the relational store, `gather_file` from a plan file,
the catalogs and a statistics file. `evaluate.evaluate_progress` then works on them alone, so every
caller (progress, explain, assess) gets its numbers from one path.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class RegionInfo:
    code: str
    name_zh: str
    name_en: str
    level: str = ""
    parent: str | None = None


@dataclass(frozen=True)
class IndicatorInfo:
    code: str
    name_zh: str
    name_en: str
    unit: str
    formula: str
    #: good direction from the indicator catalog ("higher"/"lower"); "" when unknown
    direction: str = ""


@dataclass(frozen=True)
class TargetInput:
    """One plan target. `value`/`incentive` are percent for a reduction, `unit` values for a level;
    `annual` maps a year to that year's own target (a reduction in percent, or a level)."""

    code: str
    indicator: IndicatorInfo
    unit: str
    kind: str
    comparator: str
    value: float
    incentive: float | None
    base_year: int
    target_year: int
    clause: str
    region: RegionInfo
    annual: dict[int, float] = field(default_factory=dict)

    @property
    def value_unit(self) -> str:
        return "pct" if self.kind == "reduction" else self.unit


@dataclass(frozen=True)
class RegionalTargetInput:
    """A target decomposed to one region, and where it came from.

    `source` names the record (e.g. "RegionalTarget" or a decomposition run); `data_version`
    identifies the stored version; `note` (optional) is shown with the explanation.
    """

    region_code: str
    indicator: str
    basic: float
    incentive: float | None
    annual: dict[int, float]
    source: str
    data_version: str
    note: str | None = None


@dataclass(frozen=True)
class PlanInputs:
    code: str
    version: str  # e.g. "plan:sichuan-14fyp sha256:0123456789ab"
    source_file: str
    region: RegionInfo
    targets: tuple[TargetInput, ...]
    regional: tuple[RegionalTargetInput, ...] = ()

    def reduction_target(self, indicator: str) -> TargetInput | None:
        """The plan's reduction target of `indicator` (what decomposition and assessment work on), if any."""
        return next((t for t in self.targets if t.indicator.code == indicator and t.kind == "reduction"), None)

    def only(self, indicator: str) -> PlanInputs:
        """The same plan restricted to the targets of one indicator."""
        return replace(self, targets=tuple(t for t in self.targets if t.indicator.code == indicator))

    def with_regional(self, indicator: str, regional: tuple[RegionalTargetInput, ...]) -> PlanInputs:
        """The plan with the regional targets of `indicator` replaced by `regional`."""
        kept = tuple(r for r in self.regional if r.indicator != indicator)
        return replace(self, regional=kept + regional)
