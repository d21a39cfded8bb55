"""The job a user started: what it is doing, how far it got, what went wrong, what it produced."""

from __future__ import annotations

import uuid

from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中 queued"
    RUNNING = "running", "进行中 running"
    SUCCEEDED = "succeeded", "已完成 succeeded"
    FAILED = "failed", "失败 failed"


class Job(models.Model):
    """One background job. `problems` keeps the first PROBLEM_LIMIT problems, `problem_total` all of them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=80)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    # Who started it, as the Actor saw it (the job may run for a system or CLI account without a user).
    owner_username = models.CharField(max_length=150)
    owner_role = models.CharField(max_length=40)
    owner_region = models.CharField(max_length=12, blank=True, default="")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True, default="")
    result = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    problem_total = models.PositiveIntegerField(default=0)
    result_file = models.CharField(max_length=500, blank=True, default="")
    result_content_type = models.CharField(max_length=120, blank=True, default="")
    task_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner_username", "created_at"], name="job_owner_created")]

    def __str__(self) -> str:
        return f"{self.kind} {self.id} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
