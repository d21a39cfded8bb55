"""Bring a database to a usable state: schema migrated, catalogs loaded."""

from __future__ import annotations

from django.core.management import call_command

from ecer.masterdata.services.catalogs import CatalogCounts, load_catalogs


def prepare_database() -> CatalogCounts:
    """Apply migrations and load the bundled catalogs; safe to run any number of times."""
    call_command("migrate", interactive=False, verbosity=0)
    return load_catalogs()
