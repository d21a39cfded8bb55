from django.apps import AppConfig


class MasterdataConfig(AppConfig):
    name = "ecer.masterdata"
    default_auto_field = "django.db.models.BigAutoField"
