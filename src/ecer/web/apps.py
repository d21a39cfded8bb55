from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "ecer.web"
    default_auto_field = "django.db.models.BigAutoField"
