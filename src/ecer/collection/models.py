"""Reporting periods, submissions (versioned, append-only once submitted) and review comments.

A submission version is editable only while it is a draft. Once submitted it is frozen: the reviewer
returns it (with comments) or approves it, and any change after that is a new version (n + 1) that
`supersedes` it, with a reason. Approved versions are never edited or deleted, by any code path that
goes through the ORM (model and queryset `delete`, `save` of values).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from ecer.masterdata.models import ImportBatch, Region, Variable


class FrozenSubmissionError(RuntimeError):
    """Raised when code tries to change or delete a submission (or its values) that is no longer a draft."""


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", "草稿 draft"
    SUBMITTED = "submitted", "已提交 submitted"
    RETURNED = "returned", "已退回 returned"
    APPROVED = "approved", "已通过 approved"


class ReportingPeriod(models.Model):
    """What is due when: the statistics of `year`, to be submitted by `deadline`. A closed period
    accepts no new submissions or revisions."""

    code = models.CharField(max_length=20, unique=True)
    year = models.PositiveSmallIntegerField()
    name_zh = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    deadline = models.DateField()
    closed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return self.code


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        if self.exclude(status=SubmissionStatus.DRAFT).exists():
            raise FrozenSubmissionError("only draft submissions may be deleted")
        return super().delete()


class Submission(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="submissions")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="submissions")
    kind = models.CharField(max_length=40)  # a code of ecer/catalogs/data/submission_types.csv
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT)
    reason = models.TextField(blank=True, default="")  # why this version exists (revision reason)
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="superseded_by")
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.CharField(max_length=150, blank=True, default="")
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=150, blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    batch = models.OneToOneField(ImportBatch, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="submission")  # the observations written on approval

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["region__path", "period__year", "kind", "version"]
        constraints = [models.UniqueConstraint(fields=["region", "period", "kind", "version"],
                                               name="submission_unique_version")]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.period_id}/{self.kind} v{self.version} ({self.status})"

    @property
    def label(self) -> str:
        return f"填报 submission #{self.pk} {self.region.code} {self.period.code} {self.kind} v{self.version}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.status != SubmissionStatus.DRAFT:
            raise FrozenSubmissionError(f"submission {self.pk} is {self.status}: it is kept for ever")
        return super().delete(*args, **kwargs)


class ValueQuerySet(models.QuerySet["SubmissionValue"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        if self.exclude(submission__status=SubmissionStatus.DRAFT).exists():
            raise FrozenSubmissionError("values of a submitted submission cannot be deleted")
        return super().delete()

    def update(self, **kwargs: Any) -> int:
        if self.exclude(submission__status=SubmissionStatus.DRAFT).exists():
            raise FrozenSubmissionError("values of a submitted submission cannot be changed")
        return super().update(**kwargs)


class SubmissionValue(models.Model):
    """One cell: a variable's value (None while the draft leaves it empty), its unit, and the
    explanation a soft plausibility finding needs."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    variable = models.ForeignKey(Variable, on_delete=models.PROTECT, related_name="+")
    value = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=40)
    explanation = models.TextField(blank=True, default="")

    objects = ValueQuerySet.as_manager()

    class Meta:
        ordering = ["submission", "id"]
        constraints = [models.UniqueConstraint(fields=["submission", "variable"], name="submission_value_unique")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        status = Submission.objects.filter(pk=self.submission_id).values_list("status", flat=True).first()
        if status is not None and status != SubmissionStatus.DRAFT:
            raise FrozenSubmissionError(f"submission {self.submission_id} is {status}: its values are frozen")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.submission.status != SubmissionStatus.DRAFT:
            raise FrozenSubmissionError(f"submission {self.submission_id} is {self.submission.status}")
        return super().delete(*args, **kwargs)


class ReviewComment(models.Model):
    """A reviewer's comment on a submission, or on one cell of it (`variable`)."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="comments")
    variable = models.ForeignKey(Variable, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    author = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.submission_id}/{self.variable_id or '-'}: {self.text[:40]}"
