from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "ecer.results"
    label = "results"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "precomputed results"
