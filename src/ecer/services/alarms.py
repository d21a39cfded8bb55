"""Use case: alarms (报警) — list, read, acknowledge (确认) and close them, scoped to the actor.

Scope: an actor bound to a region sees the alarms of enterprises in its region and the regions below
it; an enterprise reporter its own enterprise's; the province roles and the auditor see all. The
auditor only reads: acknowledging or closing raises PermissionDenied, as does anything outside the
scope (reported as "no such alarm", so ids cannot be probed). Every transition is appended to the
alarm's history (`AlarmEvent`) and to the audit log in the same transaction.

Detection (creating and updating alarms from the roll-ups) is `ecer.services.alarm_detection`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ecer.alarms.models import Alarm, AlarmEvent, AlarmKind, AlarmStatus
from ecer.services import audit
from ecer.services.actor import Actor, PermissionDenied, is_anonymous, visible_region_codes

#: Rows per page of the alarm list (page and API); a client may ask for at most MAX_LIMIT.
PAGE_SIZE = 50
MAX_LIMIT = 500
#: Hours of hourly averages shown on each side of an exceedance on its detail page.
TREND_MARGIN_HOURS = 12


def scoped(actor: Actor) -> QuerySet[Alarm]:
    """The alarms `actor` may read (no rows for a visitor who is not logged in)."""
    qs = Alarm.objects.select_related("enterprise", "point", "device")
    if is_anonymous(actor):
        return qs.none()
    if actor.sees_everything:
        return qs
    if actor.enterprise_id is not None:
        return qs.filter(enterprise_id=actor.enterprise_id)
    return qs.filter(region_code__in=sorted(visible_region_codes(actor) or ()))


def open_count(actor: Actor) -> int:
    """Alarms not yet handled (open) that the actor may see: the header badge. One COUNT query."""
    return scoped(actor).filter(status=AlarmStatus.OPEN).count()


def open_mns(*, actor: Actor) -> set[str]:
    """MNs with an alarm not yet closed (open or acknowledged) that the actor may see."""
    return set(scoped(actor).exclude(status=AlarmStatus.CLOSED).values_list("mn", flat=True))


@dataclass(frozen=True)
class AlarmPage:
    total: int
    offset: int
    limit: int
    rows: list[Alarm]


def query(*, actor: Actor, status: str = "", kind: str = "", region: str = "",
          enterprise: int | None = None) -> QuerySet[Alarm]:
    """The actor's alarms, newest first, filtered by status, kind, region (and the regions below it:
    a code prefix of the GB/T 2260 code) and enterprise id (unknown values filter nothing)."""
    qs = scoped(actor)
    if status in AlarmStatus.values:
        qs = qs.filter(status=status)
    if kind in AlarmKind.values:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(region_code__startswith=_region_prefix(region))
    if enterprise is not None:
        qs = qs.filter(enterprise_id=enterprise)
    return qs


def list_alarms(*, actor: Actor, status: str = "", kind: str = "", region: str = "", enterprise: int | None = None,
                offset: int = 0, limit: int = PAGE_SIZE) -> AlarmPage:
    """One page of `query(...)`."""
    qs = query(actor=actor, status=status, kind=kind, region=region, enterprise=enterprise)
    offset, limit = max(0, offset), max(1, min(limit, MAX_LIMIT))
    return AlarmPage(qs.count(), offset, limit, list(qs[offset:offset + limit]))


def _region_prefix(code: str) -> str:
    """510000 → 51, 510800 → 5108, 510802 → 510802 (a province or city code covers the codes below it)."""
    code = code.strip()
    if len(code) == 6 and code.endswith("0000"):
        return code[:2]
    if len(code) == 6 and code.endswith("00"):
        return code[:4]
    return code


def get_alarm(alarm_id: int, *, actor: Actor) -> Alarm:
    found = scoped(actor).filter(pk=alarm_id).first()
    if found is None:
        raise PermissionDenied(f"no alarm {alarm_id} visible to {actor.username}")
    return found


def history(alarm: Alarm) -> list[AlarmEvent]:
    return list(alarm.events.all())


def can_handle(actor: Actor) -> bool:
    """Whether the actor may acknowledge and close the alarms it sees (not the auditor, not a visitor)."""
    return not (is_anonymous(actor) or actor.is_read_only)


def filter_choices(*, actor: Actor) -> dict[str, Any]:
    """Region codes and enterprises (id, name) that occur in the actor's alarms, for the list's filters."""
    qs = scoped(actor)
    return {"regions": sorted(set(qs.values_list("region_code", flat=True))),
            "enterprises": sorted(set(qs.values_list("enterprise_id", "enterprise__name")), key=lambda e: e[1])}


def _require_handler(actor: Actor) -> None:
    if not can_handle(actor):
        raise PermissionDenied(f"{actor.username} ({actor.role}) may not handle alarms (read only)")


def transition(alarm: Alarm, action: str, actor: Actor, note: str = "", before: dict[str, Any] | None = None) -> None:
    """Store `alarm` and append the transition to its history and the audit log (one transaction)."""
    with transaction.atomic():
        alarm.save()
        AlarmEvent.objects.create(alarm=alarm, action=action, username=actor.username, note=note,
                                  after=alarm.snapshot())
        audit.record(actor, f"alarm.{action}", "alarm", str(alarm.pk), before, alarm.snapshot())


def acknowledge(alarm_id: int, *, actor: Actor, note: str = "") -> Alarm:
    """open → acknowledged, with who, when and the note (an acknowledged alarm may be noted again)."""
    _require_handler(actor)
    with transaction.atomic():
        alarm = get_alarm(alarm_id, actor=actor)
        alarm = Alarm.objects.select_for_update().get(pk=alarm.pk)
        if alarm.status == AlarmStatus.CLOSED:
            raise PermissionDenied(f"alarm {alarm_id} is closed; it cannot be acknowledged")
        before = alarm.snapshot()
        alarm.status, alarm.acknowledged_by, alarm.acknowledged_at = AlarmStatus.ACKNOWLEDGED, actor.username, timezone.now()
        alarm.acknowledge_note = note.strip()[:2000]
        transition(alarm, "acknowledge", actor, alarm.acknowledge_note, before)
    return alarm


def close(alarm_id: int, *, actor: Actor, note: str = "") -> Alarm:
    """open or acknowledged → closed, by a person (who, when, note)."""
    _require_handler(actor)
    with transaction.atomic():
        alarm = get_alarm(alarm_id, actor=actor)
        alarm = Alarm.objects.select_for_update().get(pk=alarm.pk)
        if alarm.status == AlarmStatus.CLOSED:
            return alarm
        before = alarm.snapshot()
        alarm.status, alarm.closed_by, alarm.closed_at = AlarmStatus.CLOSED, actor.username, timezone.now()
        alarm.close_note, alarm.auto_closed = note.strip()[:2000], False
        transition(alarm, "close", actor, alarm.close_note, before)
    return alarm


@dataclass(frozen=True)
class Trend:
    factor: str
    points: list[tuple[dt.datetime, float | None, bool]]  # (hour, judged value, any invalid reading)
    lower: float | None
    upper: float | None


def trend(alarm: Alarm, *, actor: Actor) -> Trend | None:
    """Hourly judged values of an exceedance's factor from TREND_MARGIN_HOURS before its start to as
    long after its end, from the roll-ups (None for other kinds)."""
    from ecer.alarms.detect import judged_value
    from ecer.services import monitoring_analytics

    if alarm.kind != AlarmKind.EXCEEDANCE:
        return None
    margin = dt.timedelta(hours=TREND_MARGIN_HOURS)
    start = timezone.localtime(alarm.start) - margin
    end = timezone.localtime(alarm.end or timezone.now()) + margin
    data = monitoring_analytics.point_rollups(alarm.mn, "hourly", start.date(), end.date(), actor=actor)
    lo, hi = start.replace(tzinfo=None), end.replace(tzinfo=None)
    points = [(r["hour"], judged_value(r)[0], bool(r.get("n_invalid"))) for r in data.rows
              if r["factor"] == alarm.factor and lo <= r["hour"] <= hi]
    return Trend(alarm.factor, points, alarm.limit_lower, alarm.limit_upper)


def responsible_emails(alarm: Alarm) -> list[str]:
    """Who is mailed when an alarm opens: active users with an e-mail address bound to the alarm's
    enterprise, or working for its region or that region's city (not the auditor, not the province)."""
    from django.contrib.auth.models import User

    regions = {alarm.region_code, alarm.region_code[:4] + "00"}
    users = (User.objects.filter(is_active=True).exclude(email="")
             .filter(Q(ecer_enterprise__enterprise_id=alarm.enterprise_id) | Q(ecer_profile__region__code__in=regions))
             .exclude(groups__name="auditor"))
    return sorted(set(users.values_list("email", flat=True)))
