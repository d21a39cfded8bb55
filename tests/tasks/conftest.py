"""Catalogs and the Sichuan plan loaded; users of every role that task tracking concerns."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from ecer.accounts.roles import bind_user
from ecer.masterdata.models import PlanTask
from ecer.masterdata.services.catalogs import load_catalogs
from ecer.masterdata.services.plans import load_plan_into_db
from ecer.services.actor import Actor, actor_for_user

#: charging_and_hydrogen_corridors: led by 交通运输厅, 经济和信息化厅 and 省发展改革委 (drc).
DRC_LEADS = "charging_and_hydrogen_corridors"
#: pollutant_total_control: led by 生态环境厅 (eco_env) alone; drc is not listed.
ECO_ONLY = "pollutant_total_control"
#: key_industry_energy_retrofit: no lead named; drc, econ_it, eco_env … share the duty.
SHARED = "key_industry_energy_retrofit"


@pytest.fixture
def plan(db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ECER_DATA_DIR", str(tmp_path))
    load_catalogs()
    load_plan_into_db("sichuan-14fyp")
    yield


def task_id(code: str) -> int:
    return int(PlanTask.objects.get(plan__code="sichuan-14fyp", code=code).pk)


def user(name: str, role: str, region: str | None = None, department: str | None = None) -> object:
    u = get_user_model().objects.create_user(name, password="pw-long-enough-1")
    bind_user(u, role, region, department_code=department)
    return u


def actor(name: str, role: str, region: str | None = None, department: str | None = None) -> Actor:
    return actor_for_user(user(name, role, region, department))


def client_for(u: object) -> Client:
    c = Client()
    c.force_login(u)  # type: ignore[arg-type]
    return c
