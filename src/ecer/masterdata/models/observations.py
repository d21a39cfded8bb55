"""Region-year observations of statistical variables: append-only, versioned.

A revision never updates a stored value: it adds version n+1 that `supersedes` version n. The current
value of (region, year, variable) is its latest *approved* version; history stays readable.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, QuerySet

from ecer.masterdata.models.reference import Region, Variable


class ObservationStatus(models.TextChoices):
    SUBMITTED = "submitted", "已提交 submitted"
    APPROVED = "approved", "已审核 approved"
    REJECTED = "rejected", "已退回 rejected"


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change the value of a stored observation instead of adding a version."""


class ImportBatch(models.Model):
    """One imported file: who, when, which bytes (sha256) and what it did."""

    file_name = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    row_count = models.PositiveIntegerField()
    new_versions = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    is_illustrative = models.BooleanField(default=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.row_count} rows)"


class Observation(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="observations")
    year = models.PositiveSmallIntegerField()
    variable = models.ForeignKey(Variable, on_delete=models.PROTECT, related_name="observations")
    value = models.FloatField()
    unit = models.CharField(max_length=40)
    source = models.TextField(blank=True, default="")
    note = models.TextField(blank=True, default="")
    status = models.CharField(max_length=10, choices=ObservationStatus.choices,
                              default=ObservationStatus.SUBMITTED)
    is_illustrative = models.BooleanField(default=False, help_text="made-up demo data, not official statistics")
    version = models.PositiveIntegerField(default=1)
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="superseded_by")
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="observations")

    class Meta:
        ordering = ["region__path", "variable__code", "year", "version"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "variable", "version"],
                                    name="observation_unique_version"),
        ]
        indexes = [models.Index(fields=["variable", "year"], name="observation_var_year")]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.year}/{self.variable_id} v{self.version} = {self.value} {self.unit}"

    def save(self, *args: object, **kwargs: object) -> None:
        # Status moves (submitted → approved/rejected) are allowed; the measured facts are not editable.
        if self.pk is not None:
            stored = (Observation.objects.filter(pk=self.pk)
                      .values("value", "unit", "region_id", "year", "variable_id", "version").first())
            if stored is not None:
                mine = {k: getattr(self, k) for k in stored}
                if mine != stored:
                    changed = sorted(k for k in stored if stored[k] != mine[k])
                    raise AppendOnlyError(
                        f"observation {self.pk} is append-only; changed {', '.join(changed)}: "
                        "record a new version instead (ecer.masterdata.services.observations)"
                    )
        super().save(*args, **kwargs)  # type: ignore[arg-type]


def current_observations(
    region_codes: Iterable[str] | None = None,
    variables: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
) -> QuerySet[Observation]:
    """The latest approved version of each (region, year, variable), optionally filtered."""
    approved = Observation.objects.filter(status=ObservationStatus.APPROVED)
    newer = approved.filter(
        region=OuterRef("region"), year=OuterRef("year"), variable=OuterRef("variable"),
        version__gt=OuterRef("version"),
    )
    qs = approved.filter(~Exists(newer))
    if region_codes is not None:
        qs = qs.filter(region__code__in=list(region_codes))
    if variables is not None:
        qs = qs.filter(variable__code__in=list(variables))
    if years is not None:
        qs = qs.filter(year__in=list(years))
    return qs.select_related("region", "variable")
