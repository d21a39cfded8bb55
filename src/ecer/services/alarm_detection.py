"""Use case: detect alarms from the roll-ups and the devices' live status, and store them idempotently.

`detect(actor=…, dates=…)` reads the hourly roll-ups of the given dates (and one day on each side, so
an exceedance across midnight stays one alarm and its end is seen), the devices' last packets and the
daily quality figures, runs the pure rules of `ecer.alarms.detect`, and stores the episodes:

- an episode that overlaps or touches a stored alarm of the same kind, device and factor updates it
  (start, end, peak, hours); two stored alarms joined by late data become one (the later one is closed
  with a note naming the earlier); nothing is duplicated when the same hours are judged again;
- a new episode opens an alarm (and mails the users responsible when mail is configured);
- an episode whose condition has ended closes its alarm automatically (`auto_closed`); an alarm
  closed that way is reopened when late data shows the condition went on.

Run by `ecer monitoring alarms detect` and by the background job `monitoring.rollup_alarms` after the
roll-ups. Province administrators and the system only.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from ecer.alarms import detect as rules
from ecer.alarms.models import Alarm, AlarmStatus
from ecer.services.actor import Actor, Role, require_role
from ecer.services.alarms import responsible_emails, transition

logger = logging.getLogger(__name__)
#: The loggers' clock: HJ 212 DataTime and the roll-up hours are Beijing time without a zone.
LOGGER_TZ = ZoneInfo("Asia/Shanghai")


@dataclass
class DetectResult:
    dates: list[str] = field(default_factory=list)
    episodes: int = 0
    opened: int = 0
    updated: int = 0
    closed: int = 0
    reopened: int = 0
    mailed: int = 0


def thresholds() -> rules.Thresholds:
    from django.conf import settings

    return rules.Thresholds(settings.ECER_ALARM_OFFLINE_MINUTES, settings.ECER_ALARM_MIN_TRANSMISSION_RATE,
                            settings.ECER_ALARM_MIN_VALID_RATE)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """A logger-local naive time (or an aware one) in UTC, as the database gives it back."""
    if value is None:
        return None
    return (value if value.tzinfo is not None else value.replace(tzinfo=LOGGER_TZ)).astimezone(dt.UTC)


def detect(*, actor: Actor, dates: list[str] | None = None, now: dt.datetime | None = None) -> DetectResult:
    """Judge the roll-ups of `dates` (YYYY-MM-DD; default: yesterday and today, logger time) and every
    device's last packet at `now`, and store the alarms."""
    from ecer.analytics import reads
    from ecer.analytics.quality import quality
    from ecer.monitoring.models import Device, PermittedLimit
    from ecer.services.monitoring_analytics import _data_dir

    require_role(actor, Role.PROVINCE_ADMIN)
    now = now or timezone.now()
    local_now = now.astimezone(LOGGER_TZ).replace(tzinfo=None)
    days = sorted({dt.date.fromisoformat(d) for d in dates} if dates else
                  {local_now.date() - dt.timedelta(days=1), local_now.date()})
    result = DetectResult(dates=[d.isoformat() for d in days])
    if not days:
        return result
    devices = {d.mn: d for d in Device.objects.select_related("point__enterprise", "status", "alarm_settings")}
    # in the factor's unit of the code table, as the roll-ups' values are
    limits = {(lim.point_id, lim.factor_code): lim.catalog_range for lim in PermittedLimit.objects.all()}
    by_mn = {(mn, factor): rng for mn, d in devices.items() for (pid, factor), rng in limits.items() if pid == d.point_id}
    data_dir = _data_dir()
    hourly = reads.rows(data_dir, "hourly", days[0] - dt.timedelta(days=1), days[-1] + dt.timedelta(days=1),
                        mns=sorted(devices), columns="mn, factor, hour, avg, hourly_avg, hourly_zs_avg, n_invalid")
    limits_in = thresholds()
    episodes = rules.exceedances(hourly, by_mn)
    episodes += rules.quality_alarms(
        [q.__dict__ for q in quality(data_dir, days[0], days[-1], mns=sorted(devices), by="day")],
        local_now.date(), limits_in)
    last_packets = []
    for mn, device in devices.items():
        status = device.status if _has(device, "status") else None
        own = device.alarm_settings.offline_minutes if _has(device, "alarm_settings") else None
        if device.active:
            last_packets.append((mn, status.last_packet_at if status else None, own))
    offline = rules.offline(last_packets, now, limits_in)
    result.episodes = len(episodes) + len(offline)
    for episode in episodes + offline:
        _store(episode, devices[episode.mn], actor, result)
    _end_offline({e.mn for e in offline}, devices, actor, result)
    return result


def _has(device: Any, relation: str) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        getattr(device, relation)
    except ObjectDoesNotExist:
        return False
    return True


def _deviation(value: float | None, lower: float | None, upper: float | None) -> float:
    if value is None:
        return float("-inf")
    return max(value - upper if upper is not None else float("-inf"), lower - value if lower is not None else float("-inf"))


def _store(ep: rules.Episode, device: Any, actor: Actor, result: DetectResult) -> None:
    start, end = _aware(ep.start), _aware(ep.end)
    assert start is not None
    with transaction.atomic():
        same = Alarm.objects.select_for_update().filter(kind=ep.kind, mn=ep.mn, factor=ep.factor)
        if ep.kind == rules.OFFLINE:
            matches = list(same.filter(start=start))
        else:
            matches = list(same.filter(start__lte=end, end__gte=start).order_by("start", "pk"))
        if not matches:
            if ep.breach:
                _open(ep, start, end, device, actor, result)
            return
        alarm, *joined = matches
        before = alarm.snapshot()
        if not ep.breach:  # a quality day judged fine again: its alarm is cleared
            _auto_close(alarm, actor, "比率已恢复至阈值 rate back at or above its threshold", before, result)
            return
        covers = start <= alarm.start and (end is None or (alarm.end is not None and end >= alarm.end))
        for other in joined:  # late data joined two alarms into one episode
            alarm.hours += other.hours
            if _deviation(other.peak_value, other.limit_lower, other.limit_upper) > _deviation(
                    alarm.peak_value, alarm.limit_lower, alarm.limit_upper):
                alarm.peak_value, alarm.peak_at = other.peak_value, other.peak_at
            other_before = other.snapshot()
            other.detail = {**other.detail, "joined_into": alarm.pk}
            _auto_close(other, actor, f"补传数据后并入报警 {alarm.pk} joined into alarm {alarm.pk} by late data", other_before, result)
        if covers or _deviation(ep.peak_value, ep.limit_lower, ep.limit_upper) > _deviation(
                alarm.peak_value, alarm.limit_lower, alarm.limit_upper):
            alarm.peak_value, alarm.peak_at = ep.peak_value, _aware(ep.peak_at)
        later = end is None or alarm.end is None or end >= alarm.end
        alarm.start = min(alarm.start, start)
        alarm.end = end if later else alarm.end
        alarm.hours = ep.hours if covers and not joined else max(alarm.hours, ep.hours)
        alarm.limit_lower, alarm.limit_upper, alarm.basis = ep.limit_lower, ep.limit_upper, ep.basis or alarm.basis
        alarm.detail = {**alarm.detail, **ep.detail}
        ongoing = ep.ongoing if later else alarm.ongoing
        if alarm.snapshot() != before or ongoing != alarm.ongoing:
            if ongoing and not alarm.ongoing and alarm.auto_closed and alarm.status == AlarmStatus.CLOSED:
                alarm.status, alarm.closed_by, alarm.closed_at, alarm.auto_closed = AlarmStatus.OPEN, "", None, False
                alarm.ongoing = True
                transition(alarm, "reopen", actor, "late data: the condition went on", before)
                result.reopened += 1
                return
            alarm.ongoing = ongoing
            transition(alarm, "update", actor, "", before)
            result.updated += 1
        if not alarm.ongoing:
            _auto_close(alarm, actor, "报警条件已结束 condition ended", alarm.snapshot(), result)


def _open(ep: rules.Episode, start: dt.datetime, end: dt.datetime | None, device: Any, actor: Actor,
          result: DetectResult) -> None:
    point = device.point
    alarm = Alarm(key=ep.key, kind=ep.kind, device=device, point=point, enterprise=point.enterprise,
                  region_code=point.enterprise.region_code, mn=ep.mn, factor=ep.factor, start=start, end=end,
                  peak_value=ep.peak_value, peak_at=_aware(ep.peak_at), limit_lower=ep.limit_lower,
                  limit_upper=ep.limit_upper, basis=ep.basis, hours=ep.hours, detail=ep.detail, ongoing=ep.ongoing)
    transition(alarm, "open", actor, "", None)
    result.opened += 1
    transaction.on_commit(lambda: _mail(alarm, result))
    if not ep.ongoing:
        _auto_close(alarm, actor, "报警条件已结束 condition ended", alarm.snapshot(), result)


def _auto_close(alarm: Alarm, actor: Actor, note: str, before: dict[str, Any], result: DetectResult) -> None:
    # The note is stored (alarm and audit log) and shown to readers of either language, so it is
    # written in Chinese and English, as the e-mail is.
    alarm.ongoing = False
    if alarm.status == AlarmStatus.CLOSED:
        if alarm.snapshot() != before:
            transition(alarm, "update", actor, note, before)
        return
    alarm.status, alarm.closed_by, alarm.closed_at = AlarmStatus.CLOSED, actor.username, timezone.now()
    alarm.auto_closed, alarm.close_note = True, note
    transition(alarm, "auto_close", actor, note, before)
    result.closed += 1


def _end_offline(still_offline: set[str], devices: dict[str, Any], actor: Actor, result: DetectResult) -> None:
    """Close the offline alarms of devices that sent a packet again (end = when they came back)."""
    for alarm in Alarm.objects.filter(kind=rules.OFFLINE, ongoing=True).exclude(mn__in=sorted(still_offline)):
        device = devices.get(alarm.mn)
        status = device.status if device is not None and _has(device, "status") else None
        back = None
        if status is not None:
            back = status.connected_since if status.connected_since and status.connected_since > alarm.start \
                else status.last_packet_at
        with transaction.atomic():
            before = alarm.snapshot()
            alarm.end = back
            _auto_close(alarm, actor, "设备已恢复上传 the device sent data again", before, result)


def _mail(alarm: Alarm, result: DetectResult) -> None:
    """Mail a new alarm to the users responsible for its region and enterprise (ECER_EMAIL_HOST set)."""
    from django.conf import settings
    from django.core.mail import send_mail

    if not getattr(settings, "ECER_EMAIL_ENABLED", False):
        return
    recipients = responsible_emails(alarm)
    if not recipients:
        return
    kind = {"exceedance": "超标 exceedance", "offline": "离线 offline", "data_quality": "数据质量 data quality"}
    subject = f"[ECER] 报警 Alarm: {kind.get(alarm.kind, alarm.kind)} · {alarm.enterprise.name} {alarm.mn} {alarm.factor}"
    start = timezone.localtime(alarm.start).strftime("%Y-%m-%d %H:%M")
    body = (f"{alarm.enterprise.name} · {alarm.point.outlet_code} {alarm.point.outlet_name}\n"
            f"MN {alarm.mn}  {alarm.factor}\n开始 start: {start}\n"
            f"峰值 peak: {alarm.peak_value if alarm.peak_value is not None else '—'}  "
            f"限值 limit: {alarm.limit_lower if alarm.limit_lower is not None else ''}–"
            f"{alarm.limit_upper if alarm.limit_upper is not None else ''}  ({alarm.basis})\n\n"
            f"/monitoring/alarms/{alarm.pk}/\n")
    try:
        send_mail(subject, body, None, recipients)
        result.mailed += 1
    except OSError:
        logger.exception("alarm %s: mail to %s failed", alarm.pk, ", ".join(recipients))

