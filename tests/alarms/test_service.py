"""Detection stored idempotently, late data, scope, acknowledge/close, auditor read-only, mail."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail

from ecer.alarms.models import Alarm, AlarmEvent, DeviceAlarmSettings
from ecer.audit.models import AuditEntry
from ecer.masterdata.models import Region, UserProfile
from ecer.monitoring.models import Device, DeviceStatus
from ecer.services import alarms
from ecer.services.actor import Actor, PermissionDenied, Role, system_actor
from ecer.services.alarm_detection import detect

from .conftest import DAY, MN, NOW, write_hours

CHENGDU = Actor("cd", Role.CITY_OPERATOR, "510100", frozenset({"510100", "510104"}))
MIANYANG = Actor("my", Role.CITY_OPERATOR, "510700", frozenset({"510700"}))
AUDITOR = Actor("au", Role.AUDITOR)


def _region(code: str) -> Region:
    found = Region.objects.filter(code=code).first()
    return found or Region.add_root(code=code, name_zh=code, level="city")


def _exceedances() -> list[Alarm]:
    return list(Alarm.objects.filter(kind="exceedance").order_by("start"))


def test_three_exceeding_hours_are_one_alarm_closed_when_the_condition_ends(lake_dir: Path) -> None:
    result = detect(actor=system_actor(), dates=[DAY.isoformat()], now=NOW)
    (alarm,) = _exceedances()
    assert (alarm.mn, alarm.factor, alarm.hours, alarm.peak_value, alarm.basis) == (MN, "w01018", 3, 180.0, "Avg")
    assert alarm.start.isoformat() == "2025-03-04T01:00:00+00:00"  # 09:00 Beijing time
    assert alarm.end.isoformat() == "2025-03-04T04:00:00+00:00" and alarm.region_code == "510100"
    assert alarm.status == "closed" and alarm.auto_closed and not alarm.ongoing  # a missing hour, then 14:00 under 100
    assert [e.action for e in alarm.events.all()] == ["open", "auto_close"]
    assert AuditEntry.objects.filter(obj_type="alarm", obj_id=str(alarm.pk)).count() == 2
    assert result.opened == 2 and result.closed == 1  # and the day's transmission-rate alarm (no Rtd)


def test_detecting_again_changes_nothing_and_late_data_moves_end_and_peak(lake_dir: Path) -> None:
    detect(actor=system_actor(), dates=[DAY.isoformat()], now=NOW)
    events = AlarmEvent.objects.count()
    again = detect(actor=system_actor(), dates=[DAY.isoformat()], now=NOW)
    assert (again.opened, again.updated, again.closed) == (0, 0, 0)
    assert Alarm.objects.filter(kind="exceedance").count() == 1 and AlarmEvent.objects.count() == events
    # late data of the missing hours: 12:00 300 and 13:00 90 → the alarm runs to 13:00 with peak 300
    write_hours(lake_dir, {12: 300.0, 13: 90.0}, seq=2)
    late = detect(actor=system_actor(), dates=[DAY.isoformat()], now=NOW)
    (alarm,) = _exceedances()
    assert (alarm.hours, alarm.peak_value, alarm.end.isoformat()) == (4, 300.0, "2025-03-04T05:00:00+00:00")
    assert late.opened == 0 and late.updated == 1


def test_late_data_joining_two_alarms_keeps_one(lake_dir: Path) -> None:
    write_hours(lake_dir, {13: 150.0}, seq=2)  # a second episode at 13:00 (12:00 is missing)
    detect(actor=system_actor(), dates=[DAY.isoformat()], now=NOW)
    assert len(_exceedances()) == 2
    write_hours(lake_dir, {12: 110.0}, seq=3)  # 12:00 arrives late: 09–14 is one exceedance
    detect(actor=system_actor(), dates=[DAY.isoformat()], now=NOW)
    first, second = _exceedances()
    assert (first.hours, first.end.isoformat()) == (5, "2025-03-04T06:00:00+00:00")
    assert second.status == "closed" and second.detail["joined_into"] == first.pk
    assert second.events.last().note == f"补传数据后并入报警 {first.pk} joined into alarm {first.pk} by late data"


def test_offline_with_the_device_threshold_and_ended_when_it_is_back(lake_dir: Path) -> None:
    device = Device.objects.get(mn=MN)
    DeviceStatus.objects.create(device=device, last_packet_at=NOW - dt.timedelta(minutes=50))
    DeviceAlarmSettings.objects.create(device=device, offline_minutes=60)
    detect(actor=system_actor(), dates=[DAY.isoformat()], now=NOW)
    assert not Alarm.objects.filter(kind="offline").exists()  # 50 min < its own 60 min threshold
    DeviceAlarmSettings.objects.filter(device=device).update(offline_minutes=40)
    detect(actor=system_actor(), dates=[DAY.isoformat()], now=NOW)
    detect(actor=system_actor(), dates=[DAY.isoformat()], now=NOW)
    (alarm,) = Alarm.objects.filter(kind="offline")
    assert alarm.status == "open" and alarm.end is None and alarm.detail["threshold_minutes"] == 40
    back = NOW + dt.timedelta(minutes=5)
    DeviceStatus.objects.filter(device=device).update(last_packet_at=back, connected=True, connected_since=back)
    detect(actor=system_actor(), dates=[DAY.isoformat()], now=NOW + dt.timedelta(minutes=6))
    alarm.refresh_from_db()
    assert alarm.status == "closed" and alarm.end == back and alarm.auto_closed


def test_a_day_below_the_transmission_rate_raises_a_quality_alarm(lake_dir: Path) -> None:
    # no real-time readings at all on DAY: transmission rate 0 < 90 %
    detect(actor=system_actor(), dates=[DAY.isoformat()], now=NOW)
    (alarm,) = Alarm.objects.filter(kind="data_quality", factor="transmission_rate")
    assert alarm.status == "open" and alarm.peak_value == 0.0 and alarm.limit_lower == 0.9


def test_scope_own_foreign_and_auditor_read_only(lake_dir: Path) -> None:
    detect(actor=system_actor(), dates=[DAY.isoformat()], now=NOW)
    alarm = Alarm.objects.get(kind="data_quality", factor="transmission_rate")
    assert alarms.list_alarms(actor=CHENGDU).total == 2 and alarms.open_count(actor=CHENGDU) == 1
    assert alarms.list_alarms(actor=MIANYANG).total == 0 and alarms.open_count(actor=MIANYANG) == 0
    with pytest.raises(PermissionDenied):
        alarms.get_alarm(alarm.pk, actor=MIANYANG)
    with pytest.raises(PermissionDenied):
        alarms.acknowledge(alarm.pk, actor=MIANYANG, note="not mine")
    assert alarms.list_alarms(actor=AUDITOR).total == 2
    with pytest.raises(PermissionDenied):
        alarms.acknowledge(alarm.pk, actor=AUDITOR, note="read only")
    with pytest.raises(PermissionDenied):
        detect(actor=CHENGDU, dates=[DAY.isoformat()], now=NOW)
    assert alarms.list_alarms(actor=CHENGDU, kind="exceedance").total == 1
    assert alarms.list_alarms(actor=system_actor(), region="510000", status="open").total == 1
    assert alarms.list_alarms(actor=system_actor(), region="510700").total == 0


def test_acknowledge_then_close_records_who_when_note(lake_dir: Path) -> None:
    detect(actor=system_actor(), dates=[DAY.isoformat()], now=NOW)
    alarm = Alarm.objects.get(kind="data_quality", factor="transmission_rate")
    done = alarms.acknowledge(alarm.pk, actor=CHENGDU, note="数采仪断电，已通知企业")
    assert (done.status, done.acknowledged_by, done.acknowledge_note) == ("acknowledged", "cd", "数采仪断电，已通知企业")
    assert alarms.open_count(actor=CHENGDU) == 0
    closed = alarms.close(alarm.pk, actor=CHENGDU, note="已恢复")
    assert closed.status == "closed" and closed.closed_by == "cd" and not closed.auto_closed
    assert [e.action for e in alarm.events.all()] == ["open", "acknowledge", "close"]
    assert list(AuditEntry.objects.filter(obj_type="alarm", obj_id=str(alarm.pk)).values_list("action", flat=True)) \
        == ["alarm.open", "alarm.acknowledge", "alarm.close"]
    with pytest.raises(PermissionDenied):
        alarms.acknowledge(alarm.pk, actor=CHENGDU)  # closed: no way back
    event = alarm.events.first()
    with pytest.raises(ValueError):
        event.save()  # the history is append-only


def test_a_new_alarm_is_mailed_to_the_city_and_enterprise_users(lake_dir: Path, settings: object,
                                                               django_capture_on_commit_callbacks: Any) -> None:
    settings.ECER_EMAIL_ENABLED = True  # type: ignore[attr-defined]
    city = User.objects.create_user("cd-mail", email="cd@example.org")
    UserProfile.objects.create(user=city, region=_region("510100"))
    other = User.objects.create_user("my-mail", email="my@example.org")
    UserProfile.objects.create(user=other, region=_region("510700"))
    auditor = User.objects.create_user("au-mail", email="au@example.org")
    auditor.groups.add(Group.objects.get_or_create(name="auditor")[0])
    UserProfile.objects.create(user=auditor, region=_region("510100"))
    with django_capture_on_commit_callbacks(execute=True):  # mail goes out once the alarm is committed
        detect(actor=system_actor(), dates=[DAY.isoformat()], now=NOW)
    assert len(mail.outbox) == 2  # the exceedance and the quality alarm
    assert all(m.to == ["cd@example.org"] for m in mail.outbox)
    assert any("超标" in m.subject and MN in m.subject for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        detect(actor=system_actor(), dates=[DAY.isoformat()], now=NOW)
    assert len(mail.outbox) == 2  # nothing new, nothing mailed


def test_no_mail_when_no_mail_server_is_configured(lake_dir: Path, settings: object,
                                                  django_capture_on_commit_callbacks: Any) -> None:
    settings.ECER_EMAIL_ENABLED = False  # type: ignore[attr-defined]
    city = User.objects.create_user("cd-mail", email="cd@example.org")
    UserProfile.objects.create(user=city, region=_region("510100"))
    with django_capture_on_commit_callbacks(execute=True):
        detect(actor=system_actor(), dates=[DAY.isoformat()], now=NOW)
    assert mail.outbox == []
