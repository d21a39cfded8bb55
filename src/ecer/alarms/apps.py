from django.apps import AppConfig


class AlarmsConfig(AppConfig):
    name = "ecer.alarms"
    default_auto_field = "django.db.models.BigAutoField"
