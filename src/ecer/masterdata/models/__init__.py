"""Relational master data: regions, catalogs, plans and region-year observations.

Split by concern; import models from here (`from ecer.masterdata.models import Target`).
"""

from ecer.masterdata.models.observations import (
    ImportBatch,
    Observation,
    ObservationStatus,
    current_observations,
)
from ecer.masterdata.models.plans import (
    AnnualTarget,
    DecompositionRun,
    Plan,
    PlanTask,
    Programme,
    RegionalTarget,
    Target,
)
from ecer.masterdata.models.reference import (
    Department,
    Indicator,
    Region,
    RegionLevel,
    UserProfile,
    Variable,
)

__all__ = [
    "AnnualTarget",
    "DecompositionRun",
    "Department",
    "ImportBatch",
    "Indicator",
    "Observation",
    "ObservationStatus",
    "Plan",
    "PlanTask",
    "Programme",
    "Region",
    "RegionLevel",
    "RegionalTarget",
    "Target",
    "UserProfile",
    "Variable",
    "current_observations",
]
