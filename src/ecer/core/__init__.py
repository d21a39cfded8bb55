"""Pure accounting core (no Django, no I/O): energy conversion, intensities, deductions, progress,
barometer, total-consumption control, forecasts, explanations and provenance, key-project pollutant
reductions and their verification (docs/key-projects.md).

Conventions: arrays are float64 (regions × years); rates are fractions (0.14 = 14%); a *change* is
signed, a *reduction* is positive. Bad input raises `AccountingInputError` naming region, indicator
and year. See docs/methodology.md for every formula, its source and its parameters.
"""

from ecer.core.barometer import BarometerOptions, Light, ThresholdBasis, Variant, lights
from ecer.core.errors import AccountingInputError
from ecer.core.evaluate import ProgressOptions, ProgressResult, TargetKind, TargetSpec, evaluate_target
from ecer.core.panel import Panel
from ecer.core.progress import Comparator, Completion, Interpolation

__all__ = [
    "AccountingInputError",
    "BarometerOptions",
    "Comparator",
    "Completion",
    "Interpolation",
    "Light",
    "Panel",
    "ProgressOptions",
    "ProgressResult",
    "TargetKind",
    "TargetSpec",
    "ThresholdBasis",
    "Variant",
    "evaluate_target",
    "lights",
]
