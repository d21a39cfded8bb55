"""Early-warning barometer (晴雨表), METHODOLOGY §3: one light per region × indicator × period.

Variants (both selectable):
- `ndrc2020_ten_percent` (发改办环资〔2020〕901号): red (一级预警) when the target is missed by more than
  `threshold` of the target value, yellow (二级预警) when missed within it, green (三级) when met.
- `ndrc2021_rise` (发改办环资〔2021〕629号): red when the indicator got worse (intensity rose, 不降反升),
  yellow when the target is missed otherwise, green when met.
Invariant (both variants): a region that meets its requirement is green, never red.

Two lights are not colours and never count as green: `not_assessed` (不考核: no target applies to the
region, e.g. a provincial level with no city decomposition) and `exempt` (免考核: exempt from the
total-consumption assessment because the intensity incentive target was reached, 1310号).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum

import numpy as np
from numpy.typing import NDArray

from ecer.core.errors import AccountingInputError
from ecer.core.panel import BoolArray, FloatArray

LightArray = NDArray[np.int8]


class Light(IntEnum):
    GREEN = 0  # 三级 / 绿灯: requirement met
    YELLOW = 1  # 二级预警 / 黄灯
    RED = 2  # 一级预警 / 红灯
    NOT_ASSESSED = 3  # 不考核: no target applies (e.g. a provincial level never decomposed to the city)
    EXEMPT = 4  # 免考核: exempt from total-consumption control (intensity incentive target reached)

    @property
    def code(self) -> str:
        return self.name.lower()

    @property
    def is_colour(self) -> bool:
        """Green, yellow or red: a judgment. Not assessed and exempt are statuses, never counted as green."""
        return self in (Light.GREEN, Light.YELLOW, Light.RED)


class Variant(StrEnum):
    NDRC2020_TEN_PERCENT = "ndrc2020_ten_percent"
    NDRC2021_RISE = "ndrc2021_rise"


class ThresholdBasis(StrEnum):
    #: red when gap > threshold × |target value| (reading of 901号 "差距超过目标值的10%"; default)
    RELATIVE = "relative"
    #: red when gap > threshold in the gap's own units (for a reduction gap in fractions, 0.10 = 10
    #: percentage points); offered because some provincial practice reads the 10% that way [open]
    ABSOLUTE = "absolute"


@dataclass(frozen=True)
class BarometerOptions:
    """Which barometer rule to apply; the threshold is a parameter (default 10%)."""

    variant: Variant = Variant.NDRC2020_TEN_PERCENT
    threshold: float = 0.10
    threshold_basis: ThresholdBasis = ThresholdBasis.RELATIVE

    def __post_init__(self) -> None:
        if not (np.isfinite(self.threshold) and self.threshold >= 0):
            raise AccountingInputError(f"barometer threshold must be ≥ 0, got {self.threshold}")


def lights(
    met: BoolArray,
    gap: FloatArray,
    target_value: FloatArray,
    worsened: BoolArray,
    options: BarometerOptions | None = None,
    not_assessed: BoolArray | None = None,
    exempt: BoolArray | None = None,
) -> LightArray:
    """Lights (Light codes, int8) for arrays of the same shape.

    `gap` is the shortfall (> 0 missed) in the units of `target_value` (the annual target or the
    progress requirement). A non-finite gap or target is an error, never a light.
    """
    opts = options or BarometerOptions()
    gap = np.asarray(gap, dtype=np.float64)
    target_value = np.broadcast_to(np.asarray(target_value, dtype=np.float64), gap.shape)
    if not (np.isfinite(gap).all() and np.isfinite(target_value).all()):
        raise AccountingInputError("barometer needs finite gaps and target values (missing input upstream)")
    if opts.variant is Variant.NDRC2021_RISE:
        severe = np.asarray(worsened, dtype=bool)
    elif opts.threshold_basis is ThresholdBasis.ABSOLUTE:
        severe = gap > opts.threshold
    else:
        severe = gap > opts.threshold * np.abs(target_value)
    result = np.where(met, Light.GREEN, np.where(severe, Light.RED, Light.YELLOW)).astype(np.int8)
    if not_assessed is not None:
        result = np.where(not_assessed, np.int8(Light.NOT_ASSESSED), result).astype(np.int8)
    if exempt is not None:
        result = np.where(exempt, np.int8(Light.EXEMPT), result).astype(np.int8)
    return result

