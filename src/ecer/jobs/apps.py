from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "ecer.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Handlers live in the modules of their use cases; importing them registers the kinds, so
        # a worker process knows every kind a web process may enqueue.
        from ecer.jobs.registry import import_handler_modules

        import_handler_modules()
