"""The register of key energy-using units (重点用能单位名录).

An entry is an enterprise of the shared register (`ecer.monitoring.models.Enterprise`: credit code,
name, region — the same legal person may also run monitored outlets) with its energy-specific
attributes here. A change of an enterprise's name or region is kept as a `RegisterChange`, so the
units a city answered for in an earlier year can still be found (docs/energy-register.md).
"""

from __future__ import annotations

import datetime as dt
import math

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecer.collection.models import FrozenSubmissionError, SubmissionStatus
from ecer.core.energy_units import ConversionProblem, unit_problem
from ecer.core.meters import DAY
from ecer.monitoring.models import Enterprise


class EnergyUseLevel(models.TextChoices):
    """Why the unit is on the register (《重点用能单位节能管理办法》 第二条)."""

    TEN_THOUSAND = "ten_thousand", _("annual energy use ≥ 10,000 tce")
    DESIGNATED = "designated", _("designated (5,000–10,000 tce) by the energy-saving department")


class KeyEnergyUnit(models.Model):
    enterprise = models.OneToOneField(Enterprise, on_delete=models.PROTECT, related_name="energy_unit")
    industry_code = models.CharField(_("industry (GB/T 4754)"), max_length=4,
                                     help_text="division (2 digits) or a finer group/class of it")
    level = models.CharField(_("energy-use level"), max_length=20, choices=EnergyUseLevel.choices)
    annual_energy_tce = models.FloatField(_("last annual energy use (tce)"), null=True, blank=True)
    contact_name = models.CharField(_("energy manager"), max_length=60, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    files_annual_report = models.BooleanField(_("files the annual energy report"), default=True)
    online_monitoring = models.BooleanField(_("connected to online energy monitoring"), default=False)
    energy_budget = models.BooleanField(_("under energy-use budget management"), default=False)
    listed_since = models.PositiveSmallIntegerField(_("on the register since (year)"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["enterprise__region_code", "enterprise__name"]
        verbose_name = _("key energy-using unit")
        verbose_name_plural = _("key energy-using units")
        constraints = [models.CheckConstraint(condition=models.Q(annual_energy_tce__isnull=True)
                                              | models.Q(annual_energy_tce__gte=0), name="energy_unit_tce_not_negative")]

    def __str__(self) -> str:
        return f"{self.enterprise.name} ({self.enterprise.credit_code})"


class RegisterChange(models.Model):
    """One change of an enterprise's name or region, with when, who and from which file row."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="register_changes")
    field = models.CharField(max_length=20)
    old_value = models.CharField(max_length=200)
    new_value = models.CharField(max_length=200)
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.CharField(max_length=150)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["enterprise_id", "changed_at", "pk"]


# --- online energy monitoring (docs/energy-monitoring.md, "Upload") ---------------------------------


class MeterKind(models.TextChoices):
    """What a metering point sends (ecer.core.meters.ReadingKind)."""

    INTERVAL = "interval", _("interval values")
    CUMULATIVE = "cumulative", _("cumulative register values")


class MeteringPoint(models.Model):
    """A metering point (计量点) of a key energy-using unit, as declared by the enterprise: what it meters,
    in which unit, how often and how its register counts. Maintained in the admin (docs/energy-register.md)."""

    energy_unit = models.ForeignKey(KeyEnergyUnit, on_delete=models.CASCADE, related_name="metering_points")
    code = models.CharField(_("metering point code"), max_length=40)
    name = models.CharField(_("name"), max_length=200, blank=True)
    energy_type = models.CharField(_("energy type"), max_length=40, help_text="energy_factors.csv code, e.g. electricity")
    unit = models.CharField(_("unit"), max_length=20, help_text="energy_units.csv unit of the energy type, e.g. kwh")
    kind = models.CharField(_("kind"), max_length=10, choices=MeterKind.choices)
    interval_minutes = models.PositiveSmallIntegerField(_("interval (minutes)"), default=15,
                                                        help_text="15, 30 or 60 (must divide a day)")
    rollover_value = models.FloatField(_("rollover value"), null=True, blank=True,
                                       help_text="the register counts modulo this (cumulative meters), e.g. 1000000")
    enthalpy_gj_per_t = models.FloatField(_("steam enthalpy (GJ/t)"), null=True, blank=True,
                                          help_text="steam metered by mass (heat in t) only")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["energy_unit_id", "code"]
        verbose_name = _("metering point")
        verbose_name_plural = _("metering points")
        constraints = [models.UniqueConstraint(fields=["energy_unit", "code"], name="uniq_metering_point_code")]

    def __str__(self) -> str:
        return f"{self.energy_unit.enterprise.credit_code} {self.code}"

    def declaration_problems(self) -> list[ConversionProblem]:
        """What is wrong with the declaration (checked by the admin form, and again at each upload in case
        the catalog changed): the unit must fit the energy type (energy_units.csv), the interval divide a
        day, steam metered by mass declare its enthalpy."""
        from ecer.catalogs.energy_units import load_unit_fits

        fits = load_unit_fits()
        found: list[ConversionProblem] = []
        problem = unit_problem(self.energy_type, self.unit, fits)
        if problem is not None:
            found.append(problem)
        elif fits[(self.energy_type, self.unit)].base_per_unit is None and not self.enthalpy_gj_per_t:
            found.append(ConversionProblem("enthalpy_gj_per_t", repr(self.enthalpy_gj_per_t),
                                           f"the declared steam enthalpy in GJ/t for {self.energy_type} metered in "
                                           f"{self.unit}"))
        minutes = self.interval_minutes or 0
        if minutes <= 0 or DAY % dt.timedelta(minutes=minutes) != dt.timedelta(0):
            found.append(ConversionProblem("interval_minutes", repr(minutes), "minutes that divide a day (15, 30, 60)"))
        for name in ("rollover_value", "enthalpy_gj_per_t"):
            v = getattr(self, name)
            if v is not None and not (math.isfinite(v) and v > 0):
                found.append(ConversionProblem(name, repr(v), "a positive value, or empty"))
        return found

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        problems = self.declaration_problems()
        if problems:
            raise ValidationError({p.field: f"{p.value}: expected {p.expected}" for p in problems})


class MeterReset(models.Model):
    """A declared reset or meter exchange (ecer.core.meters.MeterReset): from `at` on, the register counts
    from `start_value`; `final_value` is the old register's last value when the exchange record has it."""

    point = models.ForeignKey(MeteringPoint, on_delete=models.CASCADE, related_name="resets")
    at = models.DateTimeField(_("at"))
    start_value = models.FloatField(_("start value"), default=0.0)
    final_value = models.FloatField(_("final value of the old register"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["point_id", "at"]
        verbose_name = _("meter reset")
        verbose_name_plural = _("meter resets")
        constraints = [models.UniqueConstraint(fields=["point", "at"], name="uniq_meter_reset_at")]


class UploadToken(models.Model):
    """A per-enterprise upload token for `POST /api/energy/uploads`: it can upload for its enterprise and
    do nothing else. Stored as its SHA-256 only; the text is shown once when made."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="energy_upload_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["enterprise_id", "-created_at"]


class EnergyUpload(models.Model):
    """One accepted upload: its id (unique per enterprise, so a repeat is recognised), the digest of its
    content and the answer given, which a repeat of the same content gets again."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="energy_uploads")
    upload_id = models.CharField(max_length=100)
    digest = models.CharField(max_length=64)
    received_at = models.DateTimeField()
    uploaded_by = models.CharField(max_length=150)
    result = models.JSONField()
    #: the energy lake batch it was copied in (ecer.services.energy_lake); None: not yet copied
    lake_batch = models.PositiveIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["enterprise_id", "received_at"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "upload_id"], name="uniq_energy_upload_id")]


class MeterReading(models.Model):
    """An accepted reading as uploaded. `closes_interval`: it closed an interval (what completeness counts;
    a cumulative point's very first reading closes none)."""

    point = models.ForeignKey(MeteringPoint, on_delete=models.CASCADE, related_name="readings")
    at = models.DateTimeField()
    value = models.FloatField()
    closes_interval = models.BooleanField()
    upload = models.ForeignKey(EnergyUpload, on_delete=models.CASCADE, related_name="readings")

    class Meta:
        ordering = ["point_id", "at"]
        constraints = [models.UniqueConstraint(fields=["point", "at"], name="uniq_meter_reading_at")]


class IntervalEnergy(models.Model):
    """An interval's consumption in the point's unit (ecer.core.meters.IntervalConsumption), with the local
    date it counts on (ecer.core.energy_rollup.local_date), so a period is read by an index."""

    point = models.ForeignKey(MeteringPoint, on_delete=models.CASCADE, related_name="intervals")
    start = models.DateTimeField()
    end = models.DateTimeField()
    local_date = models.DateField()
    value = models.FloatField()
    source = models.CharField(max_length=10)  # measured | spread
    upload = models.ForeignKey(EnergyUpload, on_delete=models.CASCADE, related_name="intervals")

    class Meta:
        ordering = ["point_id", "start"]
        constraints = [models.UniqueConstraint(fields=["point", "start"], name="uniq_interval_energy_start")]
        indexes = [models.Index(fields=["point", "local_date"], name="interval_energy_point_date")]


# --- the annual energy-utilisation report (docs/energy-report.md) -----------------------------------

#: The fields the workflow may still change on a report that is no longer a draft.
REPORT_WORKFLOW_FIELDS = frozenset({"status", "submitted_by", "submitted_at", "decided_by", "decided_at"})


class EnergyReportQuerySet(models.QuerySet["EnergyReport"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        if self.exclude(status=SubmissionStatus.DRAFT).exists():
            raise FrozenSubmissionError("only draft energy reports may be deleted")
        return super().delete()

    def update(self, **kwargs: object) -> int:
        if set(kwargs) - REPORT_WORKFLOW_FIELDS and self.exclude(status=SubmissionStatus.DRAFT).exists():
            raise FrozenSubmissionError("a submitted energy report's content cannot be changed")
        return super().update(**kwargs)


class EnergyReport(models.Model):
    """One version of a unit's annual energy-utilisation report (能源利用状况报告) for the year of a
    reporting period. The collection workflow's states, versions and freeze (`ecer.collection.models`):
    editable only as a draft; once submitted the content is frozen, the city's reviewer returns it with
    comments or approves it, and a change after that is version n + 1 that `supersedes` it. The totals
    are the checked sums of the content (`ecer.core.energy_report.evaluate`), stored at submission."""

    energy_unit = models.ForeignKey(KeyEnergyUnit, on_delete=models.PROTECT, related_name="reports")
    period = models.ForeignKey("collection.ReportingPeriod", on_delete=models.PROTECT, related_name="energy_reports")
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT)
    reason = models.TextField(blank=True, default="")
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="superseded_by")
    content = models.JSONField(default=dict)
    calorific_tce = models.FloatField(null=True, blank=True)
    coal_equivalent_tce = models.FloatField(null=True, blank=True)
    feedstock_calorific_tce = models.FloatField(null=True, blank=True)
    savings_tce = models.FloatField(null=True, blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.CharField(max_length=150, blank=True, default="")
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=150, blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = EnergyReportQuerySet.as_manager()

    class Meta:
        ordering = ["energy_unit_id", "period__year", "version"]
        constraints = [models.UniqueConstraint(fields=["energy_unit", "period", "version"],
                                               name="energy_report_unique_version")]

    def __str__(self) -> str:
        return f"energy report #{self.pk} {self.energy_unit_id}/{self.period_id} v{self.version} ({self.status})"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            stored = EnergyReport.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            fields = kwargs.get("update_fields")
            if stored is not None and stored != SubmissionStatus.DRAFT and (
                    fields is None or set(fields) - REPORT_WORKFLOW_FIELDS):  # type: ignore[arg-type]
                raise FrozenSubmissionError(f"energy report {self.pk} is {stored}: its content is frozen")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        if self.status != SubmissionStatus.DRAFT:
            raise FrozenSubmissionError(f"energy report {self.pk} is {self.status}: it is kept for ever")
        return super().delete(*args, **kwargs)  # type: ignore[arg-type]


class EnergyReportComment(models.Model):
    """A reviewer's comment on a report version, or on one field of it (`field`, e.g. `energy[0].quantity`)."""

    report = models.ForeignKey(EnergyReport, on_delete=models.PROTECT, related_name="comments")
    field = models.CharField(max_length=100, blank=True, default="")
    text = models.TextField()
    author = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class EnergyDay(models.Model):
    """A point's daily roll-up (docs/energy-monitoring.md, "Daily roll-up"): the local date's interval
    consumption in the point's unit, how many intervals (and how many of them spread over a gap) and
    how many readings closed an interval starting that date (`received`, what completeness counts) and
    how many were stored for it at all (`readings`, also a cumulative meter's first one, which closes none).
    Maintained in the upload's own transaction, so it always equals the sums over `IntervalEnergy`
    and `MeterReading`; the unit page reads a year as 365 rows a point instead of 35,040 intervals."""

    point = models.ForeignKey(MeteringPoint, on_delete=models.CASCADE, related_name="days")
    local_date = models.DateField()
    quantity = models.FloatField()
    intervals = models.PositiveIntegerField()
    spread = models.PositiveIntegerField()
    received = models.PositiveIntegerField()
    readings = models.PositiveIntegerField(default=0)  # every stored reading, on the date its interval starts

    class Meta:
        ordering = ["point_id", "local_date"]
        constraints = [models.UniqueConstraint(fields=["point", "local_date"], name="uniq_energy_day")]


# --- monthly energy, budgets and reconciliation (docs/energy-budgets.md) -----------------------------


class MonthlyEnergy(models.Model):
    """A unit's energy of one month in tce, as the budgets and the reconciliation read it: rolled up from
    the stored interval consumption (`ecer energy monthly`, source `monitoring`) or illustrative demo data
    (source `illustrative`, 示例). `completeness`: received / expected intervals of the month."""

    energy_unit = models.ForeignKey(KeyEnergyUnit, on_delete=models.CASCADE, related_name="monthly_energy")
    month = models.DateField()  # the first day of the month
    calorific_tce = models.FloatField()
    coal_equivalent_tce = models.FloatField(null=True, blank=True)
    completeness = models.FloatField()
    source = models.CharField(max_length=20)  # monitoring | illustrative
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["energy_unit_id", "month"]
        constraints = [models.UniqueConstraint(fields=["energy_unit", "month"], name="uniq_monthly_energy_month")]


class BudgetRule(models.TextChoices):
    PRO_RATA = "pro_rata_base_year", _("pro rata to base-year consumption")
    ISSUED = "issued", _("entered as issued")


class EnergyBudget(models.Model):
    """A city's energy-use budget (用能预算) for its key units in a year, and the rule that split it."""

    region_code = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    total_tce = models.FloatField()
    rule = models.CharField(max_length=30, choices=BudgetRule.choices)
    rule_version = models.CharField(max_length=10)
    base_year = models.PositiveSmallIntegerField(null=True, blank=True)
    document = models.CharField(max_length=300, blank=True)  # the issuing document or other source
    is_illustrative = models.BooleanField(default=False)
    created_by = models.CharField(max_length=150)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year", "region_code"]
        constraints = [models.UniqueConstraint(fields=["region_code", "year"], name="uniq_energy_budget_city_year")]


class UnitBudget(models.Model):
    budget = models.ForeignKey(EnergyBudget, on_delete=models.CASCADE, related_name="units")
    energy_unit = models.ForeignKey(KeyEnergyUnit, on_delete=models.PROTECT, related_name="budgets")
    budget_tce = models.FloatField()
    base_tce = models.FloatField(null=True, blank=True)  # pro rata: the base-year figure it was split by
    base_source = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["budget_id", "energy_unit_id"]
        constraints = [models.UniqueConstraint(fields=["budget", "energy_unit"], name="uniq_unit_budget")]


class CaseStatus(models.TextChoices):
    OPEN = "open", _("open")
    RESOLVED = "resolved", _("resolved")


class ReconciliationCase(models.Model):
    """A reconciliation finding above its threshold (ecer.core.energy_reconciliation), open until a
    reviewer resolves it with a note. One per year, kind and subject (a unit's credit code or a city code)."""

    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=40)
    region_code = models.CharField(max_length=12)  # the unit's region, or the city
    value_tce = models.FloatField()  # monitored (unit) or the units' sum (city)
    reference_tce = models.FloatField()  # the report's total or the city's statistical total
    relative = models.FloatField()  # difference / reference, or the share
    threshold = models.CharField(max_length=60)
    message = models.CharField(max_length=400)
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)
    is_illustrative = models.BooleanField(default=False)

    class Meta:
        ordering = ["-year", "status", "region_code", "subject"]
        constraints = [models.UniqueConstraint(fields=["year", "kind", "subject"], name="uniq_reconciliation_case")]
