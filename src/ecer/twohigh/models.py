"""The 两高一低 register: a project (planned, under construction or in operation) of a 两高 industry with
its energy-saving review (节能审查) and environmental-impact assessment (环评), yearly energy use and
emissions, its energy use per unit of product against the baseline and benchmark levels, the assessment
(评估) and the decision (continue / rectify / stop) with its deadline. The classification (两高? 低水平?)
is never stored: `ecer.core.two_high` computes it from these fields and the criteria catalog."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Stage(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("two-high", "planned")
    UNDER_CONSTRUCTION = "under_construction", _("under construction")
    IN_OPERATION = "in_operation", _("in operation")


class Approval(models.TextChoices):
    """State of the energy-saving review or the EIA approval."""

    APPROVED = "approved", _("approved")
    PENDING = "pending", _("under review")
    MISSING = "missing", _("not applied for")
    REJECTED = "rejected", pgettext_lazy("two-high", "rejected")
    NOT_REQUIRED = "not_required", _("not required")


class Decision(models.TextChoices):
    UNDECIDED = "", _("not decided")
    CONTINUE = "continue", _("continue")
    RECTIFY = "rectify", _("rectify")
    STOP = "stop", _("stop")


class TwoHighProject(models.Model):
    code = models.CharField(_("project code"), max_length=40, unique=True)
    name = models.CharField(_("project name"), max_length=200)
    region_code = models.CharField(_("region code"), max_length=6)
    owner_name = models.CharField(_("owner"), max_length=200)
    owner_credit_code = models.CharField(_("owner's credit code"), max_length=18)
    industry_code = models.CharField(_("industry (GB/T 4754)"), max_length=4)
    product = models.CharField(_("main product"), max_length=100, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    energy_review = models.CharField(_("energy-saving review"), max_length=20, choices=Approval.choices)
    energy_review_ref = models.CharField(_("energy-saving review document"), max_length=100, blank=True)
    eia = models.CharField(_("environmental impact assessment"), max_length=20, choices=Approval.choices)
    eia_ref = models.CharField(_("EIA approval document"), max_length=100, blank=True)
    energy_tce_per_year = models.FloatField(_("energy use (tce/yr)"))
    #: {pollutant: t/yr} of the main pollutants (so2, nox, pm, voc, cod, nh3n)
    emissions_t_per_year = models.JSONField(default=dict)
    unit_energy = models.FloatField(_("energy per unit of product"), null=True, blank=True)
    unit_energy_unit = models.CharField(max_length=30, blank=True, help_text="e.g. kgce/t")
    baseline_level = models.FloatField(_("baseline level (基准水平)"), null=True, blank=True)
    benchmark_level = models.FloatField(_("benchmark level (标杆水平)"), null=True, blank=True)
    level_source = models.CharField(max_length=200, blank=True, help_text="where the two levels come from")
    assessment = models.TextField(_("assessment result"), blank=True)
    decision = models.CharField(pgettext_lazy("two-high", "decision"), max_length=10, choices=Decision.choices, blank=True, default="")
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    is_illustrative = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region_code", "industry_code", "code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(energy_tce_per_year__gte=0), name="two_high_energy_not_negative"),
            models.CheckConstraint(condition=models.Q(decision="") | models.Q(decision="continue")
                                   | models.Q(deadline__isnull=False), name="two_high_decision_has_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
