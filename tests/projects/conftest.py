"""The catalogs (regions) and actors; the ledger itself is built by each test."""

from __future__ import annotations

from typing import Any

import pytest

from ecer.core.credit_code import complete
from ecer.masterdata.models import Region
from ecer.masterdata.services.catalogs import load_catalogs
from ecer.services.actor import Actor, Role

CHENGDU, YIBIN = "510100", "511500"
OWNER = complete("91510100MA0000001")


def city_actor(code: str = CHENGDU, role: Role = Role.CITY_OPERATOR, name: str = "cd") -> Actor:
    codes = frozenset(Region.objects.get_tree(Region.objects.get(code=code)).values_list("code", flat=True))
    return Actor(username=name, role=role, region_code=code, region_codes=codes)


PROVINCE = Actor(username="prov", role=Role.PROVINCE_ADMIN, region_code="510000")
AUDITOR = Actor(username="aud", role=Role.AUDITOR)


def project(code: str = "P-SEW", **overrides: Any) -> dict[str, Any]:
    """A clean urban-sewage project row (by column key): 20000 m³/d × 330 d × 80% × 300 mg/L × 30% = 475.2 t/yr COD."""
    row = {"code": code, "name": f"某污水处理厂提标 {code}", "programme_code": "env_infrastructure",
           "region_code": CHENGDU, "owner_name": "某污水处理有限公司", "owner_credit_code": OWNER,
           "project_type": "urban_sewage", "source_id": f"SRC-{code}", "status": "稳定运行",
           "construction_started_on": "2021-03-01", "completed_on": "2021-12-20", "stable_operation_on": "2022-03-15",
           "investment_10k_yuan": 1200, "capacity": 20000, "operating_days": 330, "load_rate": 80,
           "influent_concentration:cod": 300, "removal_before:cod": 60, "removal_after:cod": 90}
    return {k: v for k, v in (row | overrides).items() if v is not None}


@pytest.fixture
def regions(db: None) -> None:
    load_catalogs()
