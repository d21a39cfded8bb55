"""The monitoring registry: who discharges where, which logger (数采仪) reports for it, and what it may emit.

Live status (DeviceStatus, QuarantinedDevice) is written by the HJ 212 gateway in batches from a
background thread; the measurements themselves live in the Parquet lake (ecer.gateway.lake), not here.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ecer.hj212.units import check, factor_units
from ecer.monitoring.limits import permitted_range_text, violates


class Enterprise(models.Model):
    """A monitored unit (排污单位)."""

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    region_code = models.CharField(_("region code"), max_length=6, help_text="GB/T 2260 code")
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["region_code", "name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprise")

    def __str__(self) -> str:
        return self.name


class MonitoringPoint(models.Model):
    """A discharge outlet (排放口) with its monitoring point (监测点)."""

    KIND_WATER = "water"
    KIND_AIR = "air"
    KIND_CHOICES = [(KIND_WATER, _("water")), (KIND_AIR, _("air"))]

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="points")
    outlet_code = models.CharField(_("outlet code"), max_length=40)
    outlet_name = models.CharField(_("outlet name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=5, choices=KIND_CHOICES)
    # Where the outlet is, for the map: WGS-84 decimal degrees (what a GPS or the permit's 经纬度 gives;
    # GCJ-02 web-map coordinates are off by a few hundred metres in China and must be converted first).
    # Both or neither: a point without coordinates is listed under the map as such, never dropped.
    longitude = models.FloatField(_("longitude"), null=True, blank=True,
                                  validators=[MinValueValidator(-180.0), MaxValueValidator(180.0)],
                                  help_text=_("WGS-84 decimal degrees east, e.g. 104.0665"))
    latitude = models.FloatField(_("latitude"), null=True, blank=True,
                                 validators=[MinValueValidator(-90.0), MaxValueValidator(90.0)],
                                 help_text=_("WGS-84 decimal degrees north, e.g. 30.5723"))

    class Meta:
        ordering = ["enterprise__region_code", "enterprise__name", "outlet_code"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "outlet_code"], name="uniq_point_outlet"),
            models.CheckConstraint(
                condition=(Q(longitude__isnull=True, latitude__isnull=True)
                           # isnull=False spelled out: a CHECK whose comparison is NULL would pass
                           | Q(longitude__isnull=False, latitude__isnull=False, longitude__gte=-180.0,
                               longitude__lte=180.0, latitude__gte=-90.0, latitude__lte=90.0)),
                name="point_coordinates_wgs84", violation_error_message=_(
                    "longitude and latitude are given together, in WGS-84 degrees (−180…180, −90…90)")),
        ]
        verbose_name = _("monitoring point")
        verbose_name_plural = _("monitoring point")

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.outlet_code}"

    @property
    def has_coordinates(self) -> bool:
        return self.longitude is not None and self.latitude is not None


class Device(models.Model):
    """A data logger (数采仪), identified by its MN and authenticated by its PW."""

    EDITION_CHOICES = [("2005", "HJ/T 212-2005"), ("2017", "HJ 212-2017"), ("2025", "HJ 212-2025")]
    # Values are ecer.hj212.CrcMode values.
    CRC_STRICT = "standard"
    CRC_ACCEPT_MODBUS = "accept-modbus"
    CRC_CHOICES = [
        (CRC_STRICT, _("standard (HJ 212 annex A)")),
        (CRC_ACCEPT_MODBUS, _("also accept CRC-16/MODBUS")),
    ]

    mn = models.CharField(_("logger MN"), max_length=64, unique=True)
    # The PW as a salted hash (ecer.monitoring.secrets), never in clear text; set it with set_pw().
    pw_hash = models.CharField(_("password PW (hashed)"), max_length=128, editable=False)
    point = models.ForeignKey(MonitoringPoint, on_delete=models.CASCADE, related_name="devices")
    edition = models.CharField(_("protocol edition"), max_length=4, choices=EDITION_CHOICES, default="2017")
    crc_mode = models.CharField(_("CRC tolerance"), max_length=16, choices=CRC_CHOICES, default=CRC_STRICT)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["mn"]
        verbose_name = _("data logger")
        verbose_name_plural = _("data logger")

    def __str__(self) -> str:
        return self.mn

    def set_pw(self, raw: str) -> None:
        from ecer.monitoring.secrets import hash_secret

        self.pw_hash = hash_secret(raw)

    def check_pw(self, raw: str | None) -> bool:
        from ecer.monitoring.secrets import verify_secret

        return verify_secret(raw, self.pw_hash)


class PermittedLimit(models.Model):
    """A permitted concentration limit (许可排放浓度限值) of one factor at one point.

    Where the standard gives a range (pH 6–9 in GB 8978-1996) `lower_value` is its lower bound and
    `limit_value` its upper bound; a value outside [lower_value, limit_value] violates the limit.
    Whether a violation is an exceedance (超标) is judged on hourly averages only (see
    ecer.monitoring.limits).
    """

    point = models.ForeignKey(MonitoringPoint, on_delete=models.CASCADE, related_name="limits")
    factor_code = models.CharField(_("factor code"), max_length=16)
    limit_value = models.FloatField(_("limit"), help_text="upper bound of the permitted range")
    lower_value = models.FloatField(_("lower limit"), null=True, blank=True,
                                    help_text="lower bound where the standard gives a range (pH 6–9), else empty")
    unit = models.CharField(_("unit"), max_length=20, help_text="unit code, e.g. mg_per_l, mg_per_m3")
    source = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        ordering = ["point", "factor_code"]
        constraints = [
            models.UniqueConstraint(fields=["point", "factor_code"], name="uniq_limit_point_factor"),
        ]
        verbose_name = _("permitted limit")
        verbose_name_plural = _("permitted limit")

    def __str__(self) -> str:
        return f"{self.factor_code} {self.display} {self.unit}"

    @property
    def display(self) -> str:
        """"6.0–9.0" for a range, "≤ 100.0" for an upper limit."""
        return permitted_range_text(self.lower_value, self.limit_value)

    def violated_by(self, value: float | None) -> bool:
        """`value` in the factor's unit of the HJ 212 code table (the limit is converted to it)."""
        lower, upper = self.catalog_range
        return violates(value, lower, upper)

    @property
    def catalog_range(self) -> tuple[float | None, float]:
        """(lower, upper) in the factor's unit of the code table: the unit readings are judged in.
        A limit given in a convertible unit (µg/m³ for a mg/m³ factor) is converted; `clean` refuses
        one that does not convert."""
        scale = check(self.factor_code, self.unit).scale or 1.0
        lower = self.lower_value * scale if self.lower_value is not None else None
        return lower, self.limit_value * scale

    def clean(self) -> None:
        """A limit's unit must fit its factor (the registry's admin and imports call this)."""
        result = check(self.factor_code, self.unit)
        if not result.fits:
            point = str(self.point) if self.point_id else "?"
            raise ValidationError({"unit": gettext(
                "Monitoring point %(point)s, factor %(factor)s: the limit's unit %(unit)s does not convert to "
                "the factor's unit %(expected)s (HJ 212 code table)") % {
                    "point": point, "factor": self.factor_code, "unit": self.unit, "expected": result.expected}})


class DeclaredUnit(models.Model):
    """The unit a logger sends one factor in, where it is not the factor's unit of the HJ 212 code
    table (packets carry no units). The roll-ups convert a convertible unit and count, but never
    average or sum, the values of one that does not convert (docs/monitoring-analytics.md)."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="declared_units")
    factor_code = models.CharField(_("factor code"), max_length=16)
    unit = models.CharField(_("unit"), max_length=20, help_text="unit code, e.g. ug_per_m3, m3_per_h")

    class Meta:
        ordering = ["device", "factor_code"]
        constraints = [
            models.UniqueConstraint(fields=["device", "factor_code"], name="uniq_declared_unit_device_factor"),
        ]
        verbose_name = _("declared unit")
        verbose_name_plural = _("declared unit")

    def __str__(self) -> str:
        return f"{self.factor_code} {self.unit}"

    def clean(self) -> None:
        """The code must be a known unit; one that does not fit the factor is allowed (it records a
        logger configured that way), and the roll-ups flag its values."""
        if self.unit not in factor_units():
            raise ValidationError({"unit": gettext("Unknown unit code %(unit)s (known: %(known)s)") % {
                "unit": self.unit, "known": ", ".join(sorted(factor_units()))}})


class DeviceStatus(models.Model):
    """Live status of a registered logger, maintained by the gateway (batched writes)."""

    device = models.OneToOneField(Device, on_delete=models.CASCADE, primary_key=True, related_name="status")
    connected = models.BooleanField(_("connected"), default=False)
    connected_since = models.DateTimeField(_("connected since"), null=True, blank=True)
    disconnected_at = models.DateTimeField(_("disconnected at"), null=True, blank=True)
    last_packet_at = models.DateTimeField(_("last packet at"), null=True, blank=True)
    last_peer = models.CharField(_("last peer"), max_length=64, blank=True)
    packets_accepted = models.BigIntegerField(_("packets accepted"), default=0)
    packets_rejected = models.BigIntegerField(_("packets rejected"), default=0)
    last_rejection_at = models.DateTimeField(_("last rejection at"), null=True, blank=True)
    last_rejection_reason = models.CharField(_("last rejection reason"), max_length=200, blank=True)
    # The last few packet events (time, CN, verdict, reason), newest first; bounded by the gateway.
    recent = models.JSONField(_("recent events"), default=list, blank=True)

    class Meta:
        verbose_name = _("logger status")
        verbose_name_plural = _("logger status")


class QuarantinedDevice(models.Model):
    """An MN that sent packets but is not registered (or sent a wrong PW): kept for review, never acked."""

    REASON_UNKNOWN_MN = "unknown_mn"
    REASON_WRONG_PW = "wrong_pw"
    REASON_INACTIVE = "inactive"

    mn = models.CharField(_("logger MN"), max_length=64)
    reason = models.CharField(_("quarantine reason"), max_length=20)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    packet_count = models.BigIntegerField(_("packets"), default=0)
    last_peer = models.CharField(_("last peer"), max_length=64, blank=True)

    class Meta:
        ordering = ["-last_seen"]
        constraints = [models.UniqueConstraint(fields=["mn", "reason"], name="uniq_quarantine_mn_reason")]
        verbose_name = _("quarantined device")
        verbose_name_plural = _("quarantined device")

    def __str__(self) -> str:
        return f"{self.mn or '(empty MN)'} ({self.reason})"


class SecurityEvent(models.Model):
    """A defensive action of the gateway: an address or MN blocked, connections refused (append-only)."""

    at = models.DateTimeField(_("time"), db_index=True)
    kind = models.CharField(_("event"), max_length=32)
    address = models.CharField(_("address"), max_length=64, blank=True)
    mn = models.CharField(_("logger MN"), max_length=64, blank=True)
    count = models.BigIntegerField(_("count"), default=0)
    seconds = models.FloatField(_("block seconds"), default=0)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")


class RejectedTraffic(models.Model):
    """Rejected and quarantined traffic counted per verdict, source address and reason.

    One row per (verdict, address, reason), not one per chunk: a flood adds to a counter. `samples`
    holds a few recent examples (bounded in number and size) as evidence.
    """

    verdict = models.CharField(_("verdict"), max_length=16)
    address = models.CharField(_("address"), max_length=64)
    reason = models.CharField(_("reason"), max_length=40)
    count = models.BigIntegerField(_("count"), default=0)
    bytes = models.BigIntegerField(_("bytes"), default=0)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    samples = models.JSONField(_("samples"), default=list, blank=True)

    class Meta:
        ordering = ["-last_seen"]
        constraints = [models.UniqueConstraint(fields=["verdict", "address", "reason"],
                                               name="uniq_rejected_traffic")]
        verbose_name = _("rejected traffic")
        verbose_name_plural = _("rejected traffic")
