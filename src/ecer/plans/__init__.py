"""Plans (综合工作方案) as data: YAML files validated into pydantic models.

Public API: `load_plan(code_or_path) -> Plan`, `bundled_plans() -> list[str]`,
`check_plan_file(path) -> list[Problem]`, `plan_path(code_or_path) -> Path`. See docs/plan-format.md.
"""

from ecer.plans.loader import bundled_plans, check_plan_file, load_plan, plan_path, validate_plan_text
from ecer.plans.model import (
    OVERALL_PROGRAMME,
    AnnualTarget,
    Department,
    Period,
    Plan,
    Programme,
    RegionalTarget,
    Target,
    Task,
)

__all__ = [
    "OVERALL_PROGRAMME",
    "AnnualTarget",
    "Department",
    "Period",
    "Plan",
    "Programme",
    "RegionalTarget",
    "Target",
    "Task",
    "bundled_plans",
    "check_plan_file",
    "load_plan",
    "plan_path",
    "validate_plan_text",
]
