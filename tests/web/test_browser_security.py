"""In a real browser: the lockout message after repeated wrong passwords (Chinese and English), and
no page breaks under the Content-Security-Policy (every violation is logged to the console)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from browser_support import ARGS, CHROMIUM, require_chromium

pytestmark = pytest.mark.browser

require_chromium()


@pytest.fixture
def browser_page(loaded: None) -> Any:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1200, "height": 760}, locale="zh-CN")
        page = context.new_page()
        page.csp_violations = []  # type: ignore[attr-defined]
        page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_violations.append(m.text))
        yield page
        browser.close()


def _try(page: Any, url: str, password: str) -> None:
    page.fill("#id_username", "province")
    page.fill("#id_password", password)
    page.click("button.btn")
    page.wait_for_load_state()


def test_lockout_message_in_both_languages(browser_page: Any, live_server: Any, tmp_path: Path) -> None:
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    for i in range(settings.AXES_FAILURE_LIMIT):
        _try(page, live_server.url, f"wrong-{i}")
    _try(page, live_server.url, "demo-province")  # the right password, refused while locked
    locked = page.locator("#login-locked")
    assert "登录失败次数过多" in locked.inner_text() and "15 分钟" in locked.inner_text()
    assert "/login/" in page.url
    page.screenshot(path=str(tmp_path / "login-locked-zh.png"))

    page.select_option("#language-form select", "en")  # static ecer.js submits (no inline handler)
    page.wait_for_selector("html[lang=en]")
    _try(page, live_server.url, "demo-province")
    text = page.locator("#login-locked").inner_text()
    assert "Too many failed log-in attempts" in text and "15 minutes" in text
    page.screenshot(path=str(tmp_path / "login-locked-en.png"))
    assert page.csp_violations == []


def test_pages_work_under_the_csp(browser_page: Any, live_server: Any, tmp_path: Path) -> None:
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    _try(page, live_server.url, "demo-province")
    for path in ["/", "/targets/", "/decomposition/", "/monitoring/", "/account/totp/"]:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status < 400, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    assert page.locator(".totp-qr svg").count() == 1  # the enrolment QR code (inline SVG) is shown
    page.screenshot(path=str(tmp_path / "totp-setup-zh.png"))
    assert page.csp_violations == []
