"""Property: a plan file either loads completely or not at all, and the loader never crashes."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_fixtures import valid_plan

from ecer.plans import validate_plan_text
from ecer.plans.loader import default_catalogs

CATALOGS = default_catalogs()
SECTIONS = ["departments", "programmes", "targets", "tasks", "regional_targets", "annual_targets"]
GARBAGE = st.one_of(st.none(), st.integers(-3000, 3000), st.floats(allow_nan=False), st.text(max_size=8),
                    st.sampled_from(["kg", "pct", "ge", "le", "三(一)", "510100", "drc", "overall", "level"]),
                    st.lists(st.sampled_from(["drc", "eco_env", "ghost"]), max_size=3))


@st.composite
def mutated_plans(draw: st.DrawFn) -> dict[str, Any]:
    data = valid_plan()
    for _ in range(draw(st.integers(1, 3))):
        section = draw(st.sampled_from(SECTIONS))
        entries = data[section]
        entry = entries[draw(st.integers(0, len(entries) - 1))]
        key = draw(st.sampled_from(sorted(entry) + ["extra_field"]))
        if draw(st.booleans()) and key in entry:
            del entry[key]
        else:
            entry[key] = draw(GARBAGE)
    return data


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_plans())
def test_never_partially_loaded(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    plan, problems = validate_plan_text(text, "mutated.yaml", CATALOGS)
    if problems:
        assert plan is None
        assert all(p.file == "mutated.yaml" and p.location and p.message for p in problems)
        return
    assert plan is not None
    for section in SECTIONS:
        assert len(getattr(plan, section)) == len(data[section])
    for raw, target in zip(data["targets"], plan.targets, strict=True):
        assert target.code == raw["code"] and target.value == raw["value"]
