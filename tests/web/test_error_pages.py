"""404 and 500 pages: the site's layout (header, navigation, language switch) in the visitor's
language, with DEBUG off as in production."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def production(settings: object) -> None:
    settings.DEBUG = False  # type: ignore[attr-defined]


@pytest.mark.parametrize(("lang", "title", "other"), [("zh-hans", "页面不存在", "No such page"),
                                                       ("en", "No such page", "页面不存在")])
def test_404_uses_the_layout_and_language(production: None, db: None, client: Client, lang: str, title: str,
                                          other: str) -> None:
    client.cookies["django_language"] = lang
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert f'<html lang="{lang}">' in html and 'class="site-header"' in html and 'id="language-form"' in html
    assert title in html and other not in html and 'id="error-404"' in html and "/no/such/page/" in html


@pytest.mark.parametrize(("lang", "title"), [("zh-hans", "服务器错误"), ("en", "Server error")])
def test_500_uses_the_layout_and_language(production: None, db: None, settings: object, lang: str,
                                          title: str) -> None:
    settings.ROOT_URLCONF = "web.error_urls"  # tests/ is on sys.path (tests/web is a package)  # type: ignore[attr-defined]
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = lang
    response = client.get("/test-500/")
    html = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{lang}">' in html and 'class="site-header"' in html and 'id="error-500"' in html
    assert title in html and "deliberate failure" not in html  # no traceback shown
