from __future__ import annotations

import datetime as dt

import pytest

from ecer.masterdata.models import Region
from ecer.masterdata.services.catalogs import load_catalogs
from ecer.services import submissions
from ecer.services.actor import Actor, Role, system_actor

GUANGYUAN, CHENGDU = "510800", "510100"


def city_actor(code: str = GUANGYUAN, role: Role = Role.CITY_OPERATOR, name: str = "gy") -> Actor:
    codes = frozenset(Region.objects.get_tree(Region.objects.get(code=code)).values_list("code", flat=True))
    return Actor(username=name, role=role, region_code=code, region_codes=codes)


def reviewer() -> Actor:
    return Actor(username="rev", role=Role.PROVINCE_REVIEWER, region_code="510000")


@pytest.fixture
def period(db: None) -> str:
    load_catalogs()
    submissions.ensure_period(Actor("admin", Role.PROVINCE_ADMIN), "2024", 2024, dt.date(2099, 3, 31))
    submissions.ensure_period(system_actor(), "2019", 2019, dt.date(2020, 3, 31), closed=True)
    return "2024"


#: Plausible values for every variable of annual_statistics (Guangyuan-sized).
ANNUAL = {
    "gdp_current": 1200.0, "gdp_index": 106.0, "energy_total": 600.0, "energy_raw_material": 20.0,
    "renewable_electricity": 80.0, "industrial_va_current": 400.0, "industrial_va_index": 107.0,
    "industrial_energy": 300.0, "industrial_water": 9000.0, "non_fossil_energy": 200.0, "cod_emission": 3.0,
    "nh3n_emission": 0.3, "nox_emission": 1.5, "voc_emission": 1.2,
}


def make_user(username: str, role: str, region_code: str | None) -> object:
    from django.contrib.auth.models import Group, User

    from ecer.masterdata.models import UserProfile

    user = User.objects.create_user(username, password="pw-" + username)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    region = Region.objects.get(code=region_code) if region_code else None
    UserProfile.objects.update_or_create(user=user, defaults={"region": region})
    return user


@pytest.fixture
def people(period: str) -> dict[str, object]:
    return {"gy": make_user("gy", "city_operator", GUANGYUAN), "cd": make_user("cd", "city_operator", CHENGDU),
            "rev": make_user("rev", "province_reviewer", "510000"), "aud": make_user("aud", "auditor", None)}


def client_for(username: str) -> object:
    from django.test import Client

    c = Client()
    assert c.login(username=username, password="pw-" + username)
    return c


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: object) -> None:
    # PBKDF2 with Django's production iteration count costs ~0.3 s per password on these machines.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
