"""Fixtures shared by the monitoring page and API tests."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client


@pytest.fixture
def client_in(db: None) -> Client:
    """A client logged in as a plain user (the monitoring pages and API need a login, nothing more)."""
    user = get_user_model().objects.create_user("mon", password="pw-long-enough")
    client = Client()
    client.force_login(user)
    return client
