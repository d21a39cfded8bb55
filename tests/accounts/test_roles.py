"""Role groups, demo accounts and the Actor each demo account becomes."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from ecer.accounts.roles import DEMO_ACCOUNTS, ROLES, ensure_demo_accounts
from ecer.masterdata.services.catalogs import load_catalogs
from ecer.monitoring.demo import seed_demo_registry
from ecer.services.actor import Role, actor_for_user, visible_region_codes


def test_role_names_are_the_actor_roles() -> None:
    assert set(ROLES) == {r.value for r in Role} - {Role.SYSTEM.value}
    assert {a.role for a in DEMO_ACCOUNTS} == set(ROLES)  # a demo login for every role


@pytest.mark.django_db
def test_each_demo_account_gets_its_role_and_scope() -> None:
    from ecer.masterdata.models import Region
    from ecer.masterdata.services.plans import load_plan_into_db

    load_catalogs()
    load_plan_into_db("sichuan-14fyp")  # its departments: the demo department account is bound to one
    Region.objects.get(code="510800").add_child(code="510802", name_zh="利州区", level="county")  # a county
    seed_demo_registry()
    ensure_demo_accounts()
    users = get_user_model().objects
    actors = {a.username: actor_for_user(users.get(username=a.username)) for a in DEMO_ACCOUNTS}
    assert actors["province"].role == Role.PROVINCE_ADMIN and visible_region_codes(actors["province"]) is None
    assert visible_region_codes(actors["province-reviewer"]) is None
    assert visible_region_codes(actors["auditor"]) is None and actors["auditor"].is_read_only
    guangyuan = actors["guangyuan"]
    assert guangyuan.role == Role.CITY_OPERATOR and "510800" in guangyuan.region_codes
    assert "510802" in guangyuan.region_codes  # 利州区, a county of 广元
    assert "510100" not in guangyuan.region_codes and "510000" not in guangyuan.region_codes
    assert actors["guangyuan-reviewer"].role == Role.CITY_REVIEWER
    assert actors["guangyuan-reviewer"].region_codes == guangyuan.region_codes
    assert "510100" in actors["chengdu"].region_codes and "510800" not in actors["chengdu"].region_codes
    reporter = actors["enterprise"]
    assert reporter.role == Role.ENTERPRISE_REPORTER and reporter.enterprise_id is not None
    assert reporter.region_codes == frozenset() and reporter.region_code == "510700"
    dept = actors["dept-ndrc"]
    assert dept.role == Role.DEPARTMENT and dept.department_code == "drc"
    assert dept.region_codes == frozenset() and dept.region_code is None
    only_province_staff = {u.username for u in users.filter(is_staff=True)}
    assert only_province_staff == {"province"}
