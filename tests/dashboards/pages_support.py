"""What the page tests share: a logged-in test client, and a page's text without its tags."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.test import Client


def logged_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
