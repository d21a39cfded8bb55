"""The catalogs (regions) and the demo accounts; the register itself is built by each test."""

from __future__ import annotations

import pytest

from ecer.masterdata.models import Region
from ecer.masterdata.services.catalogs import load_catalogs
from ecer.services.actor import Actor, Role

GUANGYUAN, CHENGDU, MIANYANG = "510800", "510100", "510700"


def city_actor(code: str = GUANGYUAN, role: Role = Role.CITY_OPERATOR, name: str = "gy") -> Actor:
    codes = frozenset(Region.objects.get_tree(Region.objects.get(code=code)).values_list("code", flat=True))
    return Actor(username=name, role=role, region_code=code, region_codes=codes)


PROVINCE = Actor(username="prov", role=Role.PROVINCE_ADMIN, region_code="510000")
AUDITOR = Actor(username="aud", role=Role.AUDITOR)


@pytest.fixture
def regions(db: None) -> None:
    load_catalogs()
