"""A progress report computed once for one plan, year and data version, kept for every reader.

`data_version` is the fingerprint of everything the report depends on (approved observations,
regional targets and their decomposition runs, the plan file, the accounting options, the code's
rule version): a new observation version, an approval or a new decomposition gives a new
fingerprint, so a stale snapshot is never read; old ones are pruned when a new one is stored.
"""

from __future__ import annotations

from django.db import models


class ProgressSnapshot(models.Model):
    plan_code = models.CharField(max_length=80)
    year = models.PositiveSmallIntegerField()
    data_version = models.CharField(max_length=64, help_text="sha256 of the inputs' versions and the options")
    payload = models.BinaryField(help_text="zlib-compressed JSON of ProgressReport.to_dict()")
    rows = models.PositiveIntegerField(default=0)
    compute_ms = models.FloatField(default=0.0, help_text="how long the computation took")
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan_code", "year", "data_version"], name="progress_snapshot_unique"),
        ]

    def __str__(self) -> str:
        return f"progress {self.plan_code} {self.year} @{self.data_version[:12]}"
