"""Audit log storage: one row per recorded action, plus the head (count and last hash).

Rows are append-only: the model and its queryset refuse updates and deletes, and a database trigger
refuses them too (PostgreSQL: UPDATE and DELETE; SQLite: UPDATE, since Django's test flush deletes
rows there). Whoever bypasses all of that (raw SQL as the table owner) still cannot hide it: the hash
chain no longer verifies. `before`/`after` are stored as the exact canonical JSON text that was
hashed, so no database's JSON normalisation (key order, number forms) can break the chain.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models


class AppendOnlyViolation(RuntimeError):
    """Code tried to change or delete an audit entry."""


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyViolation("audit entries are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyViolation("audit entries are append-only")


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(unique=True, help_text="1, 2, 3, … without gaps")
    at = models.DateTimeField(help_text="when (UTC)")
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=40)
    user_id = models.BigIntegerField(null=True, blank=True, help_text="not a foreign key: the log outlives users")
    action = models.CharField(max_length=80)
    obj_type = models.CharField(max_length=80)
    obj_id = models.CharField(max_length=200)
    before_json = models.TextField(default="null")
    after_json = models.TextField(default="null")
    source = models.CharField(max_length=200, blank=True, default="", help_text="client address or 'cli:…'")
    # Nullable so adding it is a plain ALTER TABLE on SQLite (a rebuilt table would lose the trigger).
    user_agent = models.CharField(max_length=300, null=True, blank=True, help_text="the client's User-Agent")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["obj_type", "obj_id"], name="audit_object"),
            models.Index(fields=["username", "at"], name="audit_user_time"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.username} {self.action} {self.obj_type}:{self.obj_id}"

    @property
    def before(self) -> Any:
        return json.loads(self.before_json)

    @property
    def after(self) -> Any:
        return json.loads(self.after_json)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyViolation(f"audit entry #{self.seq} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyViolation(f"audit entry #{self.seq} is append-only")


class AuditHead(models.Model):
    """The newest entry's sequence number and hash, written in the same transaction as the entry.

    The chain alone cannot show entries cut from its end; the head can. `ecer audit verify` prints
    it, so it can also be noted outside the database and compared later (`--expect-head`)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head #{self.seq} {self.hash[:12]}…"
