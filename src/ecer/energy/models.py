"""The register of key energy-using units (重点用能单位名录).

An entry is an enterprise of the shared register (`ecer.monitoring.models.Enterprise`: credit code,
name, region — the same legal person may also run monitored outlets) with its energy-specific
attributes here. A change of an enterprise's name or region is kept as a `RegisterChange`, so the
units a city answered for in an earlier year can still be found (docs/energy-register.md).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

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
