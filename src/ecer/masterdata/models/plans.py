"""A loaded plan: programmes, targets (with annual and regional breakdowns) and tasks.

A plan row is derived from a plan file; `source_sha256` is the file's hash, so loading the same file
again is a no-op and loading a changed file replaces the plan's content (see services/plans.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ecer.masterdata.models.bilingual import BilingualNamed
from ecer.masterdata.models.reference import Department, Indicator, Region


class Comparator(models.TextChoices):
    GE = "ge", "≥"
    LE = "le", "≤"
    ABOUT = "about", "≈"


class TargetKind(models.TextChoices):
    REDUCTION = "reduction", "reduction against the base year"
    LEVEL = "level", "level in the target year"


class Plan(BilingualNamed):
    code = models.CharField(max_length=80, unique=True)
    document_number = models.CharField(max_length=100, blank=True, default="")
    issuer = models.CharField(max_length=200, blank=True, default="")
    base_year = models.PositiveSmallIntegerField()
    target_year = models.PositiveSmallIntegerField()
    source_file = models.CharField(max_length=500, blank=True, default="")
    source_sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]


class Programme(BilingualNamed):
    """One of a plan's engineering programmes (重点工程), or `overall` for the headline targets."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="programmes")
    code = models.CharField(max_length=80)
    order = models.PositiveSmallIntegerField(default=0)
    clause = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        ordering = ["plan", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="programme_unique_code")]


class Target(BilingualNamed):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    programme = models.ForeignKey(Programme, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="targets")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="targets")
    code = models.CharField(max_length=80)
    order = models.PositiveSmallIntegerField(default=0)
    unit = models.CharField(max_length=40)
    base_year = models.PositiveSmallIntegerField()
    target_year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=TargetKind.choices)
    comparator = models.CharField(max_length=5, choices=Comparator.choices)
    value = models.FloatField(help_text="the basic (约束性) target value, in `unit`")
    incentive_value = models.FloatField(null=True, blank=True, help_text="the incentive (激励) value")
    clause = models.CharField(max_length=40, blank=True, default="")
    lead_departments = models.ManyToManyField(Department, blank=True, related_name="led_targets")
    co_departments = models.ManyToManyField(Department, blank=True, related_name="co_targets")

    class Meta:
        ordering = ["plan", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="target_unique_code")]

    @property
    def value_unit(self) -> str:
        """The unit of `value`: percent of the base-year level for a reduction, `unit` for a level."""
        return "pct" if self.kind == TargetKind.REDUCTION else self.unit


class AnnualTarget(models.Model):
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="annual")
    year = models.PositiveSmallIntegerField()
    value = models.FloatField()

    class Meta:
        ordering = ["target", "year"]
        constraints = [models.UniqueConstraint(fields=["target", "year"], name="annual_target_unique_year")]


class DecompositionRun(models.Model):
    """One stored decomposition of a plan target to regions (目标分解): method, parameters, inputs with
    their data versions, every step's output, and the regional targets it replaced. Never deleted:
    the RegionalTargets it produced point to it, and a later run records what it replaced."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="decomposition_runs")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="decomposition_runs")
    method = models.CharField(max_length=80, help_text="rule name, e.g. decomposition.productivity_tiers")
    method_name_zh = models.CharField(max_length=100, blank=True, default="")
    rule_version = models.CharField(max_length=20)
    parameters = models.JSONField(default=dict)
    inputs = models.JSONField(default=list, help_text="per region: base-year values and their data versions")
    outputs = models.JSONField(default=dict, help_text="allocations (every step) and the aggregate check")
    replaced = models.JSONField(default=list, help_text="the regional targets this run replaced")
    data_source = models.CharField(max_length=500, help_text="database, or file name and sha256")
    fingerprint = models.CharField(max_length=64, help_text="sha256 of method, parameters and inputs")
    is_illustrative = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"decomposition {self.pk} of {self.indicator_id} ({self.method} v{self.rule_version})"


class RegionalTarget(models.Model):
    """A target decomposed to a region (e.g. a city's energy-intensity reduction); `decomposition` is
    the run that computed it (None: it came from the plan file)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="regional_targets")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="regional_targets")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="regional_targets")
    basic_value = models.FloatField()
    incentive_value = models.FloatField(null=True, blank=True)
    annual = models.JSONField(default=dict, blank=True, help_text="{year: value}")
    decomposition = models.ForeignKey(DecompositionRun, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="targets")

    class Meta:
        ordering = ["plan", "region__path", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "region", "indicator"], name="regional_target_unique")
        ]


class PlanTask(models.Model):
    """A task of the plan (a clause with responsible departments) that is tracked but has no number."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    code = models.CharField(max_length=80)
    title = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300, blank=True, default="")
    clause = models.CharField(max_length=40, blank=True, default="")
    kind = models.CharField(max_length=40, blank=True, default="")
    departments = models.ManyToManyField(Department, blank=True, related_name="tasks")

    class Meta:
        ordering = ["plan", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="plan_task_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"
