"""Roles (as Django groups with model permissions) and the demo accounts.

A user's role is the group named after its `ecer.services.actor.Role` value (the names are repeated
here as strings because this module sits below the services; a test holds them equal); what the role
may see and do is decided by the services (`ecer.services.actor`). The model permissions below only matter in the
Django admin, which only the province's staff may open (`is_staff`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from ecer.masterdata.models import Region, UserProfile

ROLE_PROVINCE_ADMIN = "province_admin"  # 省级管理员: maintains plans and data, reviews submissions
ROLE_PROVINCE_REVIEWER = "province_reviewer"  # 省级审核员: reviews the cities' submissions
ROLE_CITY_OPERATOR = "city_operator"  # 市(州)填报员: submits its own region's statistics
ROLE_CITY_REVIEWER = "city_reviewer"  # 市(州)审核员: checks its region's submissions first
ROLE_ENTERPRISE_REPORTER = "enterprise_reporter"  # 企业填报员: its own enterprise's reports
ROLE_AUDITOR = "auditor"  # 审计/只读: reads everything, changes nothing
ROLE_DEPARTMENT = "department"  # 省直部门: reports on the plan's tasks it leads or co-leads
ROLE_CITY_STAFF = "city_staff"  # the group of city users before the roles above; read as city_operator
ROLES = (ROLE_PROVINCE_ADMIN, ROLE_PROVINCE_REVIEWER, ROLE_CITY_OPERATOR, ROLE_CITY_REVIEWER,
         ROLE_ENTERPRISE_REPORTER, ROLE_AUDITOR, ROLE_DEPARTMENT)
ROLE_APPS = ("masterdata", "monitoring")
#: Roles whose users may open the Django admin (its permissions are not region-scoped).
STAFF_ROLES = frozenset({ROLE_PROVINCE_ADMIN})


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    region_code: str | None
    label_zh: str
    label_en: str
    enterprise_credit_code: str | None = None  # enterprise reporters: the enterprise they report for
    department_code: str | None = None  # departments: the plan department (plan file code) they report for


DEMO_ACCOUNTS = (
    DemoAccount("province", "demo-province", ROLE_PROVINCE_ADMIN, "510000", "省级管理员", "provincial administrator"),
    DemoAccount("province-reviewer", "demo-province-reviewer", ROLE_PROVINCE_REVIEWER, "510000", "省级审核员",
                "provincial reviewer"),
    DemoAccount("guangyuan", "demo-guangyuan", ROLE_CITY_OPERATOR, "510800", "广元市填报员",
                "Guangyuan city operator"),
    DemoAccount("guangyuan-reviewer", "demo-guangyuan-reviewer", ROLE_CITY_REVIEWER, "510800", "广元市审核员",
                "Guangyuan city reviewer"),
    DemoAccount("mianyang-reviewer", "demo-mianyang-reviewer", ROLE_CITY_REVIEWER, "510700", "绵阳市审核员",
                "Mianyang city reviewer (decides the demo enterprise's energy report)"),
    DemoAccount("chengdu", "demo-chengdu", ROLE_CITY_OPERATOR, "510100", "成都市填报员", "Chengdu city operator"),
    DemoAccount("enterprise", "demo-enterprise", ROLE_ENTERPRISE_REPORTER, None, "企业填报员（示例 绵阳某化工）",
                "enterprise reporter (illustrative Mianyang chemical works)", "91510700MADEM0002X"),
    DemoAccount("auditor", "demo-auditor", ROLE_AUDITOR, None, "审计（只读）", "auditor (read-only)"),
    DemoAccount("dept-ndrc", "demo-dept-ndrc", ROLE_DEPARTMENT, None, "省发展改革委（省直部门）",
                "Development and Reform Commission (provincial department)", department_code="drc"),
)


def ensure_roles() -> dict[str, Group]:
    """Create (or refresh) one group per role with its admin permissions."""
    perms = list(Permission.objects.filter(content_type__app_label__in=ROLE_APPS))
    view = [p for p in perms if p.codename.startswith("view_")]
    submit = [p for p in perms if p.codename in {"add_observation", "add_importbatch"}]
    review = [p for p in perms if p.codename == "change_observation"]  # the status of a submitted version
    wanted = {
        ROLE_PROVINCE_ADMIN: perms,
        ROLE_PROVINCE_REVIEWER: view + review,
        ROLE_CITY_OPERATOR: view + submit,
        ROLE_CITY_REVIEWER: view,
        ROLE_ENTERPRISE_REPORTER: [],
        ROLE_AUDITOR: view,
        ROLE_DEPARTMENT: [],  # no admin: its task reports go through the services only
    }
    groups = {}
    for name, group_perms in wanted.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(group_perms)
        groups[name] = group
    return groups


def bind_user(user: object, role: str, region_code: str | None, enterprise_credit_code: str | None = None,
              department_code: str | None = None) -> None:
    """Give `user` its role (group) and bind it to its region, its enterprise (enterprise reporters) or
    its plan department (departments, 省直部门).

    An enterprise that is not (yet) registered leaves the user unbound to any enterprise: it then
    sees no enterprise's data; likewise a department that is not loaded (no plan yet) leaves a
    department user answering for no task."""
    from ecer.accounts.models import DepartmentBinding, EnterpriseBinding
    from ecer.masterdata.models import Department
    from ecer.monitoring.models import Enterprise

    groups = ensure_roles()
    user.groups.set([groups[role]])  # type: ignore[attr-defined]
    region = Region.objects.filter(code=region_code).first() if region_code else None
    UserProfile.objects.update_or_create(user=user, defaults={"region": region})
    enterprise = (Enterprise.objects.filter(credit_code=enterprise_credit_code).first()
                  if enterprise_credit_code else None)
    if enterprise is None:
        EnterpriseBinding.objects.filter(user=user).delete()
    else:
        EnterpriseBinding.objects.update_or_create(user=user, defaults={"enterprise": enterprise})
    department = Department.objects.filter(code=department_code).first() if department_code else None
    if department is None:
        DepartmentBinding.objects.filter(user=user).delete()
    else:
        DepartmentBinding.objects.update_or_create(user=user, defaults={"department": department})


def ensure_demo_accounts() -> tuple[DemoAccount, ...]:
    """Create the demo users or reset them to their documented passwords (stored hashed)."""
    from django.contrib.auth.hashers import make_password

    user_model = get_user_model()
    # Hash first (PBKDF2 takes a good part of a second per password): the transaction, which holds
    # SQLite's write lock against the demo's gateway and job worker, then lasts milliseconds.
    hashed = {acc.username: make_password(acc.password) for acc in DEMO_ACCOUNTS}
    with transaction.atomic():
        for acc in DEMO_ACCOUNTS:
            user, _ = user_model.objects.get_or_create(username=acc.username)
            user.password = hashed[acc.username]
            user.first_name = acc.label_zh
            user.is_staff = acc.role in STAFF_ROLES  # may open /admin/ within its permissions
            user.save()
            bind_user(user, acc.role, acc.region_code, acc.enterprise_credit_code, acc.department_code)
    return DEMO_ACCOUNTS
