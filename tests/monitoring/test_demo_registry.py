"""The demo registry's invented enterprises carry credit codes that pass the GB 32100-2015 check, so the
demo's register looks like a real one to a reviewer (and every import check accepts it)."""

from __future__ import annotations

from ecer.core import credit_code
from ecer.monitoring.demo import ENTERPRISES


def test_every_demo_credit_code_has_a_correct_check_character() -> None:
    for name, code, region_code, _outlets in ENTERPRISES:
        assert credit_code.problem(code) is None, (name, code, credit_code.problem(code))
        assert code[2:8] == region_code, "the administrative-division part is the enterprise's region"
