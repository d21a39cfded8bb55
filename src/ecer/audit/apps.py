from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ecer.audit"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "audit log"
