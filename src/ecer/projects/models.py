"""The key-project ledger (重点工程项目台账, issue 12 item 1).

A project belongs to one of the plan's programmes and a region, has an owner (an enterprise or an
agency, by credit code; linked to the shared register `Enterprise` where it is on it), a project type
of the reduction catalog, the source or facility it acts on and, where there is one, its monitoring
point. Its formula inputs are JSON in the shape `ecer.core.reduction.ProjectParameters` takes, checked
against the catalog's `InputSpec`s by the core on every import (`ecer.services.key_projects_file`);
reductions are computed from them when asked, never stored, so a new formula version changes no row.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecer.collection.models import SubmissionStatus
from ecer.monitoring.models import Enterprise, MonitoringPoint


class ProjectStatus(models.TextChoices):
    """The project's stage; each reached stage has its date (a reduction counts only from stable operation)."""

    PLANNED = "planned", _("planned")
    UNDER_CONSTRUCTION = "under_construction", _("under construction")
    COMPLETED = "completed", _("completed")
    STABLE = "stable_operation", _("in stable operation")


STATUS_ORDER = [s.value for s in ProjectStatus]


class KeyProject(models.Model):
    code = models.CharField(_("project code"), max_length=40, unique=True)
    name = models.CharField(_("project name"), max_length=200)
    programme_code = models.CharField(_("programme"), max_length=64, help_text="a programme of the plan file")
    region_code = models.CharField(_("region code"), max_length=6, help_text="GB/T 2260 code")
    owner_name = models.CharField(_("owner"), max_length=200)
    owner_credit_code = models.CharField(_("owner's credit code"), max_length=18)
    owner = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="key_projects", help_text="the register entry of the owner, if any")
    project_type = models.CharField(_("project type"), max_length=40, help_text="reduction_project_types.csv")
    source_id = models.CharField(_("source or facility"), max_length=80,
                                 help_text="the discharge source or facility the project acts on")
    monitoring_point = models.ForeignKey(MonitoringPoint, null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="key_projects")
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    investment_10k_yuan = models.FloatField(_("investment (10⁴ yuan)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ProjectStatus.choices)
    construction_started_on = models.DateField(_("construction started"), null=True, blank=True)
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    stable_operation_on = models.DateField(_("stable operation since"), null=True, blank=True)
    #: {"values": {input: {"value", "unit"}}, "pollutants": {pollutant: {input: {"value", "unit"}}}}
    inputs = models.JSONField(default=dict)
    #: verification inputs per pollutant (t, t/yr): the source's reference-year emission, offsets used
    #: for new projects (区域削减替代) and the part of them this project's claim already deducts
    baseline_t_per_year = models.JSONField(default=dict)
    offsets_used_t = models.JSONField(default=dict)
    offsets_deducted_t = models.JSONField(default=dict)
    offset_new_projects = models.CharField(max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_illustrative = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region_code", "programme_code", "code"]
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")
        constraints = [models.CheckConstraint(condition=models.Q(investment_10k_yuan__isnull=True)
                                              | models.Q(investment_10k_yuan__gte=0),
                                              name="key_project_investment_not_negative")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class StatusChange(models.Model):
    """One step of a project's status (or a changed date of it), with when, who and from which file row."""

    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE, related_name="status_history")
    status = models.CharField(max_length=20, choices=ProjectStatus.choices)
    status_date = models.DateField(null=True, blank=True)
    previous = models.CharField(max_length=20, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.CharField(max_length=150)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["project_id", "changed_at", "pk"]


class EvidenceFile(models.Model):
    """A file kept as evidence (acceptance report, permit, photos…): stored under ECER_DATA_DIR by its sha256."""

    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE, related_name="evidence")
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    description = models.CharField(max_length=300, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["project_id", "uploaded_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["project", "sha256"], name="evidence_unique_per_project")]


class LedgerProposal(models.Model):
    """A proposed change of the ledger (new projects, edited parameters, status and its dates): one
    workbook (an uploaded file or one built from a form), reviewed in the collection workflow's states
    (draft → submitted → returned with a comment | approved). Only approval writes it to the ledger;
    the proposal itself is kept for ever (its file, its changes as computed when it was made and again
    when it was approved)."""

    status = models.CharField(max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT)
    origin = models.CharField(max_length=10, default="file")  # "file" (Excel import) or "form" (project page)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()  # the workbook, exactly as proposed
    reason = models.TextField(blank=True, default="")
    #: per row: {"code", "region_code", "action": create|update|unchanged, "fields": {key: [old, new]}}
    changes = models.JSONField(default=list)
    supersedes = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.CharField(max_length=150)
    created_role = models.CharField(max_length=30)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.CharField(max_length=150, blank=True, default="")
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=150, blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True, default="")  # the reviewer's (required to return)
    is_illustrative = models.BooleanField(default=False)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"proposal #{self.pk} {self.file_name} ({self.status})"


class ProposalRow(models.Model):
    """A project a proposal touches, by region (the proposal's scope)."""

    proposal = models.ForeignKey(LedgerProposal, on_delete=models.CASCADE, related_name="rows")
    project_code = models.CharField(max_length=40)
    region_code = models.CharField(max_length=6)
    action = models.CharField(max_length=10)

    class Meta:
        ordering = ["proposal_id", "pk"]


class ProjectVersion(models.Model):
    """Version n of a project's ledger entry: the cells it had after an approved change, which fields
    changed, the proposal, who made it and who approved it. Never edited."""

    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    cells = models.JSONField()
    changed = models.JSONField(default=dict)  # key → [old, new]
    proposal = models.ForeignKey(LedgerProposal, null=True, on_delete=models.PROTECT, related_name="versions")
    made_by = models.CharField(max_length=150)
    approved_by = models.CharField(max_length=150)
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "version"]
        constraints = [models.UniqueConstraint(fields=["project", "version"], name="project_version_unique")]


class CaseStatus(models.TextChoices):
    OPEN = "open", _("open")
    RESOLVED = "resolved", _("resolved")


class CaseDecision(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed: claim rejected")
    DISMISSED = "dismissed", _("dismissed")
    GONE = "gone", _("resolved by itself: the finding is no longer raised")


class FindingCase(models.Model):
    """A verification finding as a case a reviewer resolves (issue 12 item 3). One case per finding
    identity (`key`: kind, source, pollutant and the claims involved); re-running verification updates,
    reopens or auto-resolves it by the rule of `ecer.services.verification_cases`, never duplicates it."""

    key = models.CharField(max_length=64, unique=True)  # sha256 of the identity text
    identity = models.TextField()  # kind|source|pollutant|claims, readable
    kind = models.CharField(max_length=40)
    source = models.CharField(max_length=80)
    pollutant = models.CharField(max_length=10)
    projects = models.JSONField(default=list)
    claims = models.JSONField(default=list)
    amount_t = models.FloatField()
    explanation_zh = models.TextField()
    explanation_en = models.TextField()
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    decision = models.CharField(max_length=10, choices=CaseDecision.choices, blank=True, default="")
    reason = models.TextField(blank=True, default="")
    rejected_claims = models.JSONField(default=list)  # confirmed: the claims taken out of the totals
    decided_by = models.CharField(max_length=150, blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)  # last verification run that raised it
    reopened = models.PositiveIntegerField(default=0)
    #: earlier decisions and reopenings: [{"at", "by", "event", "decision", "reason", "amount_t"}]
    history = models.JSONField(default=list)

    class Meta:
        ordering = ["status", "kind", "pk"]

    def __str__(self) -> str:
        return f"case #{self.pk} {self.identity} ({self.status})"
