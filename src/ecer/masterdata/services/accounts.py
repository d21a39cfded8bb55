"""Roles (as Django groups with model permissions) and the demo accounts."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from ecer.masterdata.models import Region, UserProfile

# Group name → which permissions it gets. Apps are matched by label, so other apps' models
# (monitoring) are covered as they appear.
ROLE_PROVINCE_ADMIN = "province_admin"  # 省级管理员: maintains plans and data, reviews submissions
ROLE_CITY_STAFF = "city_staff"  # 市(州)填报员: submits its own region's statistics
ROLE_AUDITOR = "auditor"  # 审计/只读: reads everything, changes nothing
ROLE_APPS = ("masterdata", "monitoring")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    region_code: str | None
    label_zh: str
    label_en: str


DEMO_ACCOUNTS = (
    DemoAccount("province", "demo-province", ROLE_PROVINCE_ADMIN, "510000", "省级管理员", "provincial administrator"),
    DemoAccount("guangyuan", "demo-guangyuan", ROLE_CITY_STAFF, "510800", "广元市填报员", "Guangyuan city staff"),
    DemoAccount("auditor", "demo-auditor", ROLE_AUDITOR, None, "审计（只读）", "auditor (read-only)"),
)


def ensure_roles() -> dict[str, Group]:
    """Create (or refresh) the role groups and their permissions."""
    perms = Permission.objects.filter(content_type__app_label__in=ROLE_APPS)
    view = [p for p in perms if p.codename.startswith("view_")]
    submit = [p for p in perms if p.codename in {"add_observation", "add_importbatch"}]
    wanted = {ROLE_PROVINCE_ADMIN: list(perms), ROLE_CITY_STAFF: view + submit, ROLE_AUDITOR: view}
    groups = {}
    for name, group_perms in wanted.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(group_perms)
        groups[name] = group
    return groups


def ensure_demo_accounts() -> tuple[DemoAccount, ...]:
    """Create the demo users or reset them to their documented passwords (stored hashed)."""
    user_model = get_user_model()
    with transaction.atomic():
        groups = ensure_roles()
        for acc in DEMO_ACCOUNTS:
            user, _ = user_model.objects.get_or_create(username=acc.username)
            user.set_password(acc.password)
            user.first_name = acc.label_zh
            user.is_staff = acc.role == ROLE_PROVINCE_ADMIN  # may open /admin/ within its permissions
            user.save()
            user.groups.set([groups[acc.role]])
            region = Region.objects.filter(code=acc.region_code).first() if acc.region_code else None
            UserProfile.objects.update_or_create(user=user, defaults={"region": region})
    return DEMO_ACCOUNTS
