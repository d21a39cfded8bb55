from django.apps import AppConfig


class TasksConfig(AppConfig):
    """Task tracking (任务跟踪) of the plan's qualitative tasks, mechanisms and arrangements."""

    name = "ecer.tasks"
    label = "tasks"
    default_auto_field = "django.db.models.BigAutoField"
