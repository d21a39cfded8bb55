from django.apps import AppConfig


class EnergyConfig(AppConfig):
    """Key energy-using units (重点用能单位): the register; reports, monitoring and budgets build on it."""

    name = "ecer.energy"
    default_auto_field = "django.db.models.BigAutoField"
