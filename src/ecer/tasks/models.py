"""What is recorded about a plan task (`masterdata.PlanTask`: a task, mechanism or arrangement of the
plan, with its clause) year by year: the department's report (milestones, status, self-assessment),
its evidence, the province reviewer's scores and the history of every change.

A `TaskYear` is created by the first report of a year. Every change also writes a `TaskEvent` (the
task's own history, shown on its page) and an audit-log entry (`ecer.services.audit`), in the same
transaction. Evidence files are stored under `$ECER_DATA_DIR/tasks/evidence/` by their sha256.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    ON_TRACK = "on_track", _("on track")
    DELAYED = "delayed", _("delayed")
    DONE = "done", _("done")


class TaskYear(models.Model):
    """One plan task in one year: the responsible department's report of it."""

    task = models.ForeignKey("masterdata.PlanTask", on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField()
    milestones = models.TextField(blank=True, default="", help_text="the year's milestones, one a line")
    status = models.CharField(max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)
    self_assessment = models.TextField(blank=True, default="")
    self_score = models.FloatField(null=True, blank=True, help_text="the department's own score, 0–100")
    reported_by = models.CharField(max_length=150, blank=True, default="")
    department = models.ForeignKey("masterdata.Department", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="task_reports", help_text="the department that reported last")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["task__plan", "task__code", "year"]
        constraints = [
            models.UniqueConstraint(fields=["task", "year"], name="task_year_unique"),
            models.CheckConstraint(condition=models.Q(self_score__isnull=True)
                                   | (models.Q(self_score__gte=0) & models.Q(self_score__lte=100)),
                                   name="task_year_self_score_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.task.code} {self.year}"


class TaskEvidence(models.Model):
    """A file (stored by sha256) or a link that shows the year's work."""

    task_year = models.ForeignKey(TaskYear, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(max_length=300)
    file_name = models.CharField(max_length=255, blank=True, default="")
    sha256 = models.CharField(max_length=64, blank=True, default="")
    size = models.PositiveBigIntegerField(null=True, blank=True)
    url = models.URLField(max_length=500, blank=True, default="")
    added_by = models.CharField(max_length=150)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task_year", "added_at", "pk"]
        constraints = [models.CheckConstraint(condition=~models.Q(sha256="") | ~models.Q(url=""),
                                              name="task_evidence_file_or_link")]


class TaskScore(models.Model):
    """The province reviewer's score of a task's year for one city, on the rubric measure item the task
    counts for (`points` of `max_points`, the item's maximum); see docs/task-tracking.md."""

    task_year = models.ForeignKey(TaskYear, on_delete=models.CASCADE, related_name="scores")
    region = models.ForeignKey("masterdata.Region", on_delete=models.PROTECT, related_name="task_scores")
    rubric = models.CharField(max_length=80)
    item = models.CharField(max_length=80, help_text="the rubric's measure item code")
    points = models.FloatField()
    max_points = models.FloatField()
    reviewer = models.CharField(max_length=150)
    note = models.TextField(blank=True, default="")
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["task_year", "region__path", "reviewer"]
        constraints = [
            models.UniqueConstraint(fields=["task_year", "region", "rubric", "reviewer"], name="task_score_unique"),
            models.CheckConstraint(condition=models.Q(points__gte=0) & models.Q(points__lte=models.F("max_points")),
                                   name="task_score_within_max"),
        ]


class TaskEvent(models.Model):
    """One change of a task's year (report, evidence, score), as the task page's history shows it."""

    task_year = models.ForeignKey(TaskYear, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=40)  # report | evidence | score
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=40)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task_year", "at", "pk"]
