from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from ecer.masterdata.services.accounts import ensure_demo_accounts
from ecer.masterdata.services.catalogs import load_catalogs


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture
def accounts(db: None) -> None:
    load_catalogs()
    ensure_demo_accounts()


@pytest.fixture
def province(accounts: None) -> User:
    return User.objects.get(username="province")


@pytest.fixture
def reviewer(accounts: None) -> User:
    user = User.objects.create_user("reviewer", password="reviewer-pw")
    user.groups.add(Group.objects.get_or_create(name="province_reviewer")[0])
    return user
