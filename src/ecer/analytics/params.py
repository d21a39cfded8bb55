"""The documented, configurable parameters of the monitoring analytics (docs/monitoring-analytics.md).

Where a rule is not fixed by a standard it is a parameter here, never a constant inside a query.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Data flags of HJ 212-2017 (6.3.3); N is valid, the others make a reading invalid for averages.
VALID_FLAG = "N"
INVALID_FLAGS = ("F", "M", "S", "D", "C", "T", "B")
FLOW_FACTORS = {"water": "w00000", "air": "a00000"}
# Pollutants summed as emissions (COD, NH3-N, NOx, SO2, particulates, VOCs as NMHC)
EMISSION_FACTORS = {"w01018": "COD", "w21003": "NH3-N", "a21002": "NOx", "a21026": "SO2",
                    "a34013": "particulates", "a24088": "VOCs (NMHC)"}
# kg per hour for (concentration unit × flow unit) held for one hour:
#   water  mg/L × L/s  → mg/s  × 3600 s × 1e-6 kg/mg = 3.6e-3
#   air    mg/m³ × m³/h → mg/h × 1e-6 kg/mg          = 1e-6   (standard-condition, dry flow)
#   air    mg/m³ × m³/s → × 3600                     = 3.6e-3
KG_PER_HOUR = {("mg_per_l", "l_per_s"): 3.6e-3, ("mg_per_m3", "m3_per_h"): 1e-6, ("mg_per_m3", "m3_per_s"): 3.6e-3}
CONCENTRATION_UNIT = {"water": "mg_per_l", "air": "mg_per_m3"}


@dataclass(frozen=True)
class AnalyticsParams:
    """Parameters of one roll-up run; defaults are the documented ones."""

    # Flow unit as the loggers send it. The HJ 212-2017 code table gives m³/s for a00000, but
    # loggers in the field (and the simulator) report flue gas in m³/h at standard conditions.
    flow_unit: dict[str, str] = field(default_factory=lambda: {"water": "l_per_s", "air": "m3_per_h"})
    future_tolerance_hours: float = 1.0  # DataTime more than this after the run's clock: "future"
    max_age_days: int = 400  # DataTime more than this before the run's clock: "far past"
    upload_interval_s: int = 30  # expected real-time cadence where the device does not state one
    stuck_hours: int = 6  # a valid value unchanged (min == max) over this many hours in a row: stuck
    offline_minutes: int = 30  # no packet for this long: device offline alarm
    min_transmission_rate: float = 0.9  # a day below this: data-quality alarm
    min_valid_rate: float = 0.9

    def kg_per_hour(self, kind: str) -> float:
        return KG_PER_HOUR[(CONCENTRATION_UNIT[kind], self.flow_unit[kind])]
