"""/api/docs renders without internet: the Swagger UI comes from the application's own static files
(django-ninja's bundled swagger-ui, `ninja` in INSTALLED_APPS), never from a CDN. A real browser
with every request to another host aborted must still draw the operations."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.test import Client

from browser_support import ARGS, CHROMIUM, MISSING


def test_docs_page_names_only_local_assets(db: None) -> None:
    html = Client().get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/static/ninja/swagger-ui.css" in html
    assert "cdn" not in html.lower() and "https://" not in html


@pytest.mark.browser
@pytest.mark.skipif(MISSING, reason="no /usr/bin/chromium")
def test_docs_render_in_a_browser_with_no_network(db: None, live_server: Any, tmp_path: Path) -> None:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    own = urlparse(live_server.url).netloc
    foreign: list[str] = []

    def only_own_host(route: Any) -> None:
        if urlparse(route.request.url).netloc == own:
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.route("**/*", only_own_host)
        page.goto(f"{live_server.url}/api/docs")
        page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
        text = page.inner_text(".swagger-ui")
        page.screenshot(path=str(tmp_path / "api-docs.png"), full_page=False)
        browser.close()
    assert "ECER API" in text and "/api/observations" in text and "/api/plans" in text
    assert foreign == []
    assert (tmp_path / "api-docs.png").stat().st_size > 20_000
