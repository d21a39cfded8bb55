from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    """Key projects (重点工程项目台账): the ledger of the plan's ten programmes, their reductions and checks."""

    name = "ecer.projects"
    default_auto_field = "django.db.models.BigAutoField"
