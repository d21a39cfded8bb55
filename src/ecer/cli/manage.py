"""`ecer manage …`: Django's management commands with ECER's settings (migrate, collectstatic,
createsuperuser, check --deploy, axes_reset_username, …), for deployments without a manage.py."""

from __future__ import annotations

import os

import click


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True,
                                 "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command (ecer manage help lists them)."""
    from django.core.management import execute_from_command_line

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecer.site.settings")
    execute_from_command_line(["ecer manage", *args])
