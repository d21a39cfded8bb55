"""Who is acting, and what they may see and do: the one place where scope is decided.

An `Actor` is a plain value built from a Django user (web, API), a named account (CLI) or the
system itself (demo set-up, background jobs started by the system). Services receive it and call
`visible_region_codes` / `require_region` / `require_role`; adapters never filter by region
themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    """The platform's roles (角色). Each is bound to a region, an enterprise or (省直部门) a department."""

    PROVINCE_ADMIN = "province_admin"  # 省级管理员
    PROVINCE_REVIEWER = "province_reviewer"  # 省级审核员
    CITY_OPERATOR = "city_operator"  # 市(州)填报员
    CITY_REVIEWER = "city_reviewer"  # 市(州)审核员
    ENTERPRISE_REPORTER = "enterprise_reporter"  # 企业填报员
    AUDITOR = "auditor"  # 审计（只读）
    DEPARTMENT = "department"  # 省直部门: a provincial department, bound to a plan department code
    SYSTEM = "system"  # the platform itself: demo set-up, scheduled jobs; never a person


READ_EVERYWHERE = frozenset({Role.PROVINCE_ADMIN, Role.PROVINCE_REVIEWER, Role.AUDITOR, Role.SYSTEM})


class PermissionDenied(Exception):  # noqa: N818 - the domain word, mirrors Django's
    """The actor may not do this, or may not see that record. Adapters map it to 403/404."""


@dataclass(frozen=True)
class Actor:
    """The acting user as services see it: name, role and the region (or enterprise) it is bound to.

    `region_code` is the region the role is bound to (a city's staff: their city; the province's
    staff: the province). `region_codes` is that region and every region below it, filled in by
    `actor_for_user` from the region tree, so scope checks need no query. `source` is where the
    actor acts from (the client address of a web/API request, `cli:user@host` for the CLI); the audit
    log records it.
    """

    username: str
    role: Role
    region_code: str | None = None
    region_codes: frozenset[str] = field(default_factory=frozenset)
    enterprise_id: int | None = None
    user_id: int | None = None
    source: str | None = None
    department_code: str | None = None  # Role.DEPARTMENT: the plan department it reports for

    @property
    def sees_everything(self) -> bool:
        return self.role in READ_EVERYWHERE

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.AUDITOR


def system_actor() -> Actor:
    """The platform acting on its own behalf (demo set-up, scheduled jobs)."""
    return Actor(username="system", role=Role.SYSTEM)


#: The username of `anonymous_actor()`.
ANONYMOUS = "anonymous"


def anonymous_actor() -> Actor:
    """A visitor who is not logged in: an empty region scope (sees no regional data, only public
    master data such as plans and regions) and refused by every `require_role`."""
    return Actor(username=ANONYMOUS, role=Role.CITY_OPERATOR)


def is_anonymous(actor: Actor) -> bool:
    return actor.username == ANONYMOUS and actor.user_id is None


def visible_region_codes(actor: Actor) -> frozenset[str] | None:
    """Region codes the actor may read; None means every region."""
    return None if actor.sees_everything else actor.region_codes


def restrict_regions(actor: Actor, wanted: Iterable[str] | None) -> list[str] | None:
    """The requested region codes cut to the actor's scope (None = all the actor may see).

    Asking for a region outside the scope is refused rather than silently dropped, so a city user
    who guesses another city's code learns nothing but "not allowed"."""
    visible = visible_region_codes(actor)
    if wanted is None:
        return None if visible is None else sorted(visible)
    wanted = list(wanted)
    if visible is not None:
        foreign = [c for c in wanted if c not in visible]
        if foreign:
            raise PermissionDenied(f"{actor.username} may not read region(s) {', '.join(foreign)}")
    return wanted


def may_read_region(actor: Actor, region_code: str) -> bool:
    """Is `region_code` in the actor's scope? (For records named by id: one outside the scope is
    answered like a record that does not exist, so ids cannot be probed.)"""
    visible = visible_region_codes(actor)
    return visible is None or region_code in visible


def require_region(actor: Actor, region_code: str) -> None:
    """Refuse unless the actor may read `region_code`."""
    restrict_regions(actor, [region_code])


def require_role(actor: Actor, *roles: Role) -> None:
    """Refuse unless the actor has one of `roles` (SYSTEM always may; a visitor who is not logged in
    never does)."""
    if is_anonymous(actor):
        raise PermissionDenied("log in first")
    if actor.role != Role.SYSTEM and actor.role not in roles:
        raise PermissionDenied(f"{actor.username} ({actor.role}) may not do this; needs {', '.join(roles)}")


def actor_for_user(user: Any) -> Actor:
    """The Actor of a Django user: role from its group, region scope from its profile and the tree,
    enterprise from its enterprise binding.

    A superuser acts as province administrator. A user with no role group gets the narrowest role.
    An enterprise reporter is bound to its enterprise only: its region scope stays empty, so it reads
    no region's statistics. A department (省直部门) is bound to its plan department only, likewise with
    an empty region scope: it reads the plan's tasks it answers for, no city's statistics."""
    from ecer.accounts.models import DepartmentBinding, EnterpriseBinding
    from ecer.masterdata.models import Region, UserProfile

    names = set(user.groups.values_list("name", flat=True))
    role = next((r for r in Role if r.value in names and r != Role.SYSTEM), None)
    legacy = {"city_staff": Role.CITY_OPERATOR}  # group name used before the roles of the collection issue
    if role is None:
        role = next((legacy[n] for n in names if n in legacy), None)
    if role is None and user.is_superuser:
        role = Role.PROVINCE_ADMIN
    # No role group: the narrowest role, and with no profile region an empty scope (sees nothing).
    role = role or Role.CITY_OPERATOR
    profile = UserProfile.objects.filter(user=user).select_related("region").first()
    region = profile.region if profile else None
    binding = EnterpriseBinding.objects.filter(user=user).select_related("enterprise").first()
    codes: frozenset[str] = frozenset()
    if region is not None and role not in (Role.ENTERPRISE_REPORTER, Role.DEPARTMENT):
        codes = frozenset(Region.objects.get_tree(region).values_list("code", flat=True))
    region_code = region.code if region else None
    if role == Role.ENTERPRISE_REPORTER:
        region_code = binding.enterprise.region_code if binding else None
    department = None
    if role == Role.DEPARTMENT:
        region_code = None
        dept = DepartmentBinding.objects.filter(user=user).select_related("department").first()
        department = dept.department.code if dept else None
    return Actor(
        username=user.get_username(),
        role=role,
        region_code=region_code,
        region_codes=codes,
        enterprise_id=binding.enterprise_id if binding and role == Role.ENTERPRISE_REPORTER else None,
        user_id=user.pk,
        department_code=department,
    )


def actor_from_request(request: Any) -> Actor:
    """The Actor of a web or API request: the one the API's authentication already made (token or
    session, with its source), else the session user's (`actor_for_user`), else the anonymous actor.
    Computed once per request and user (a login inside the request gets a fresh one). The only
    place pages and endpoints get an actor from."""
    user = getattr(request, "user", None)
    user_id = user.pk if user is not None and user.is_authenticated else None
    cached = getattr(request, "_ecer_actor", None)
    if isinstance(cached, Actor) and cached.user_id == user_id:
        return cached
    actor = actor_for_user(user) if user_id is not None else anonymous_actor()
    request._ecer_actor = actor
    return actor


def may_see_enterprise(actor: Actor, enterprise: Any) -> bool:
    """The one scope rule of monitored enterprises: an enterprise reporter sees its own, an actor bound
    to a region the enterprises in its regions, the province all."""
    if actor.enterprise_id is not None and not actor.sees_everything:
        return bool(enterprise.pk == actor.enterprise_id)
    visible = visible_region_codes(actor)
    return visible is None or enterprise.region_code in visible


def may_see_point(actor: Actor, point: Any) -> bool:
    """A monitoring point is seen by whoever sees its enterprise (`may_see_enterprise`)."""
    if actor.enterprise_id is not None and not actor.sees_everything:  # no query for the enterprise
        return bool(point.enterprise_id == actor.enterprise_id)
    return may_see_enterprise(actor, point.enterprise)


def actor_params(actor: Actor) -> dict[str, Any]:
    """The actor as a background job stores it (JSON), so the worker acts with the same role and scope."""
    return {"username": actor.username, "role": str(actor.role), "region_code": actor.region_code,
            "region_codes": sorted(actor.region_codes), "user_id": actor.user_id,
            "department_code": actor.department_code, "enterprise_id": actor.enterprise_id}


def actor_from_params(params: Mapping[str, Any]) -> Actor:
    """The actor a job was started by, back from `actor_params`."""
    return Actor(username=params["username"], role=Role(params["role"]), region_code=params.get("region_code"),
                 region_codes=frozenset(params.get("region_codes") or ()), user_id=params.get("user_id"),
                 department_code=params.get("department_code"), enterprise_id=params.get("enterprise_id"))
