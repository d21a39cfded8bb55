"""Fixtures shared by the monitoring page and API tests."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client


@pytest.fixture
def client_in(db: None) -> Client:
    """A client logged in as a province administrator (sees every region's monitoring points)."""
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user("mon", password="pw-long-enough")
    user.groups.add(Group.objects.get_or_create(name="province_admin")[0])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def roll_up() -> object:
    """Run the roll-ups as the scheduled job does (incremental roll-ups, then the latest values): the
    pages read those, never the lake's raw parts."""
    from ecer.services.actor import system_actor
    from ecer.services.monitoring_analytics import run_rollups

    return lambda: run_rollups(actor=system_actor())
