"""Cells of the key-project reduction variables taken from the project ledger instead of the typed
statistics (issue 12 item 2; pure: no Django).

The services layer (`ecer.services.progress`) builds one `LedgerCell` per region × key-project
variable from the ledger's reductions (`ecer.services.key_projects.reductions_by_city`); the gatherer
(`gather_db.load_panels`) puts its values into the panels in place of the observations, or, for a
region without ledger projects, keeps the observation and marks it `fallback: typed statistics`. The
row of such a target then says where its actual came from (`ReportRow.actual_source`), in its
explanation and in a provenance note.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ecer.core.provenance import InputRef

#: the actual is the ledger's sum of the region's projects
SOURCE_LEDGER = "ledger"
#: the region has no ledger project for the pollutant: the typed statistics number is used
SOURCE_FALLBACK = "fallback: typed statistics"
#: an aggregate (the province): its cities' figures added, some from the ledger, some typed
SOURCE_MIXED = "ledger + fallback: typed statistics"

SOURCE_WORDS = {
    SOURCE_LEDGER: ("重点工程项目台账", "the key-project ledger"),
    SOURCE_FALLBACK: ("统计报表填报数，本地区无台账项目（fallback: typed statistics）",
                      "typed statistics, no ledger project here (fallback: typed statistics)"),
    SOURCE_MIXED: ("各市州之和，台账与填报数（ledger + fallback: typed statistics）",
                   "sum of the cities, ledger and typed (ledger + fallback: typed statistics)"),
}


@dataclass(frozen=True)
class LedgerCell:
    """Where one region's key-project reduction (variable, every year) comes from.

    `values` (10⁴ t by year) and `refs` replace the observations of those years; empty for a fallback,
    which keeps the typed observations. `note` is one bilingual line for the explanation."""

    region: str
    variable: str
    source: str
    note: str
    values: Mapping[int, float] = field(default_factory=dict)
    refs: Mapping[int, InputRef] = field(default_factory=dict)
    illustrative: bool = False

    def __post_init__(self) -> None:
        if self.source not in SOURCE_WORDS:
            raise ValueError(f"unknown source of a key-project reduction: {self.source}")

    def marker(self, lang: str) -> str:
        zh, en = SOURCE_WORDS[self.source]
        return f"（实际值来源：{zh}）" if lang == "zh" else f" (actual: {en})"


LedgerCells = Mapping[tuple[str, str], LedgerCell]
