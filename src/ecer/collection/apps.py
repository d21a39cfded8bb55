from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "ecer.collection"
    label = "collection"
    verbose_name = "Data collection (数据填报)"
    default_auto_field = "django.db.models.BigAutoField"
