from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ecer.accounts"
    label = "ecer_accounts"  # "accounts" is a common third-party label
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "accounts"
