from django.apps import AppConfig


class TwoHighConfig(AppConfig):
    """两高一低 projects: the register, its checks and decisions (plan §四(三))."""

    name = "ecer.twohigh"
    label = "twohigh"
    default_auto_field = "django.db.models.BigAutoField"
