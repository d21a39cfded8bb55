"""Stored alarms (报警) and their append-only history of transitions.

An `Alarm` is one episode found by `ecer.alarms.detect`, identified by its `key` (kind, MN, factor,
start): detecting again updates it, never duplicates it. Lifecycle: open → acknowledged (who, when,
note) → closed (who, when, note; or closed by the system when the condition ends). Every transition
adds an `AlarmEvent` (never changed afterwards) and an entry in the audit log.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlarmKind(models.TextChoices):
    EXCEEDANCE = "exceedance", _("exceedance")
    OFFLINE = "offline", _("offline")
    DATA_QUALITY = "data_quality", _("data quality")


class AlarmStatus(models.TextChoices):
    OPEN = "open", _("open")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    CLOSED = "closed", _("closed")


class Alarm(models.Model):
    key = models.CharField(_("key"), max_length=200, unique=True, help_text="kind:MN:factor:start")
    kind = models.CharField(_("kind"), max_length=16, choices=AlarmKind.choices)
    device = models.ForeignKey("monitoring.Device", on_delete=models.CASCADE, related_name="alarms")
    point = models.ForeignKey("monitoring.MonitoringPoint", on_delete=models.CASCADE, related_name="alarms")
    enterprise = models.ForeignKey("monitoring.Enterprise", on_delete=models.CASCADE, related_name="alarms")
    region_code = models.CharField(_("region code"), max_length=12, db_index=True)
    mn = models.CharField(_("logger MN"), max_length=64)
    # HJ 212 factor code (exceedance), quality measure (transmission_rate, valid_rate), "" (offline)
    factor = models.CharField(_("factor"), max_length=32, blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"), null=True, blank=True)
    peak_value = models.FloatField(_("peak value"), null=True, blank=True)
    peak_at = models.DateTimeField(_("peak time"), null=True, blank=True)
    limit_lower = models.FloatField(_("lower limit"), null=True, blank=True)
    limit_upper = models.FloatField(_("limit"), null=True, blank=True)
    basis = models.CharField(_("value basis"), max_length=40, blank=True, help_text="ZsAvg, Avg or Rtd")
    hours = models.IntegerField(_("hours"), default=0)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=AlarmStatus.choices, default=AlarmStatus.OPEN,
                              db_index=True)
    ongoing = models.BooleanField(_("condition ongoing"), default=True)
    acknowledged_by = models.CharField(_("acknowledged by"), max_length=150, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledge_note = models.TextField(_("acknowledgement note"), blank=True)
    closed_by = models.CharField(_("closed by"), max_length=150, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_note = models.TextField(_("closing note"), blank=True)
    auto_closed = models.BooleanField(_("closed automatically"), default=False)
    created_at = models.DateTimeField(_("detected at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-start", "-pk"]
        indexes = [models.Index(fields=["status", "region_code"], name="alarm_status_region"),
                   models.Index(fields=["kind", "mn", "factor"], name="alarm_kind_mn_factor")]
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")

    def __str__(self) -> str:
        return f"{self.kind} {self.mn} {self.factor} {self.start:%Y-%m-%d %H:%M}"

    def snapshot(self) -> dict[str, Any]:
        """The fields a transition changes, as the audit log and the history record them."""
        return {"status": self.status, "start": self.start.isoformat(), "end": self.end.isoformat() if self.end else None,
                "peak_value": self.peak_value, "peak_at": self.peak_at.isoformat() if self.peak_at else None,
                "hours": self.hours, "ongoing": self.ongoing, "acknowledged_by": self.acknowledged_by,
                "acknowledge_note": self.acknowledge_note, "closed_by": self.closed_by, "close_note": self.close_note,
                "auto_closed": self.auto_closed, "joined_into": self.detail.get("joined_into")}


class AlarmEvent(models.Model):
    """One transition of an alarm (opened, updated, acknowledged, closed, auto_closed, reopened). Append-only."""

    alarm = models.ForeignKey(Alarm, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=20)
    username = models.CharField(_("user"), max_length=150)
    note = models.TextField(_("note"), blank=True)
    after = models.JSONField(_("state after"), default=dict)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("alarm event")
        verbose_name_plural = _("alarm events")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("alarm history is append-only")
        super().save(*args, **kwargs)


class DeviceAlarmSettings(models.Model):
    """A device's own offline threshold (else ECER_ALARM_OFFLINE_MINUTES)."""

    device = models.OneToOneField("monitoring.Device", on_delete=models.CASCADE, primary_key=True,
                                  related_name="alarm_settings")
    offline_minutes = models.PositiveIntegerField(_("offline after (minutes)"))

    class Meta:
        verbose_name = _("device alarm settings")
        verbose_name_plural = _("device alarm settings")
