"""The enterprise an enterprise reporter is bound to, the department a department user is bound to,
and API tokens for machine clients."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class EnterpriseBinding(models.Model):
    """Which enterprise (排污/用能单位) a user reports for; it sees that enterprise's data only."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ecer_enterprise")
    enterprise = models.ForeignKey("monitoring.Enterprise", on_delete=models.CASCADE, related_name="reporters")

    def __str__(self) -> str:
        return f"{self.user} → {self.enterprise}"


class DepartmentBinding(models.Model):
    """Which plan department (省直部门, e.g. 省发展改革委) a department user reports for."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ecer_department")
    department = models.ForeignKey("masterdata.Department", on_delete=models.CASCADE, related_name="users")

    def __str__(self) -> str:
        return f"{self.user} → {self.department}"


class ApiToken(models.Model):
    """A bearer token of one user for machine clients (`Authorization: Bearer ecer_…`).

    Only the SHA-256 of the token is stored: the token itself is shown once, when it is created. A
    token acts as its user with that user's role and scope; revoking it is immediate."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ecer_tokens")
    name = models.CharField(max_length=100, help_text="what the token is for, e.g. 'nightly upload'")
    prefix = models.CharField(max_length=16, help_text="the token's first characters, to recognise it")
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token (hex)")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name}, {self.user})"

    def is_active(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > moment)
