"""A real browser (system Chromium through Playwright) on every dashboard page: it renders with no
console error, the numbers and lights shown equal the service output, and a screenshot of each page
is kept under test-artifacts/browser/ (git-ignored). One data load per test (live_server commits)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import ARGS, CHROMIUM, require_chromium
from ecer.accounting.report import format_number

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
#: 广元 (Guangyuan) lies around here (degrees east, north); a click there lands on its outline.
GUANGYUAN_LONLAT = (105.9, 32.3)

pytestmark = [pytest.mark.browser, pytest.mark.once, pytest.mark.slow]

require_chromium()


@pytest.fixture
def demo(transactional_db: None, settings: Any) -> None:
    from ecer.cli.demo import illustrative_dataset
    from ecer.masterdata.services.accounts import ensure_demo_accounts
    from ecer.masterdata.services.catalogs import load_catalogs
    from ecer.masterdata.services.imports import import_statistics
    from ecer.masterdata.services.plans import load_plan_into_db
    from ecer.services.actor import system_actor
    from ecer.services.decompose import decompose_from_database

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_catalogs()  # as `ecer demo` leaves the database
    load_plan_into_db("sichuan-14fyp")
    import_statistics(illustrative_dataset(), illustrative=True)
    decompose_from_database("sichuan-14fyp", actor=system_actor())
    ensure_demo_accounts()
    from ecer.services.dashboard.cache import warm
    from ecer.services.dashboard.common import context

    warm("sichuan-14fyp", context("sichuan-14fyp").years)  # as `ecer demo` precomputes at set-up


@pytest.fixture
def browser() -> Iterator[Any]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # live_server's ORM calls under Playwright's loop
    from playwright.sync_api import sync_playwright

    vendor = Path(__file__).resolve().parents[2] / "src/ecer/web/static/web/vendor/echarts.min.js"
    assert vendor.is_file(), "ECharts is not installed: run scripts/web-assets.sh (scripts/test.sh does)"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        yield pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)


class Session:
    """A logged-in page that records console errors and failed requests."""

    def __init__(self, browser: Any, base: str, width: int, user: str = "province") -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        self.page = self.context.new_page()
        self.page.set_default_timeout(90_000)  # a shared 2-core machine; pages are precomputed
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error"
                     else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error at {self.page.url}: {e} {e.stack}"))
        self.base = base
        self.page.goto(f"{base}/login/")
        self.page.fill("#id_username", user)
        self.page.fill("#id_password", f"demo-{user}")
        self.page.click("button.btn")

    def shot(self, name: str, full: bool = True) -> Path:
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full)
        assert path.stat().st_size > 10_000
        return path


def _cells(page: Any, selector: str) -> list[str]:
    return [re.sub(r"\s+", " ", t).strip() for t in page.locator(selector).all_inner_texts()]


def _click_guangyuan_on_the_map(page: Any) -> None:
    pixel = page.evaluate(
        "([lon, lat]) => { const el = document.getElementById('overview-map');"
        " const p = echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 0}, [lon, lat]);"
        " const box = el.getBoundingClientRect(); return [box.left + p[0], box.top + p[1]]; }",
        list(GUANGYUAN_LONLAT))
    page.mouse.click(pixel[0], pixel[1])


def test_new_user_sees_the_coloured_map_and_cards_and_clicks_guangyuan(demo: None, live_server: Any,
                                                                     browser: Any) -> None:
    from ecer.services.actor import system_actor
    from ecer.services.dashboard.overview import overview
    from ecer.services.dashboard.region import region_page

    s = Session(browser, live_server.url, 1360)
    page = s.page
    page.wait_for_selector("#overview-map[data-ready=true]", timeout=30_000)
    view = overview(actor=system_actor(), lang="zh")
    # The map is drawn: its canvas has the lights' colours (sampled from the rendered pixels).
    colours = page.evaluate(
        "() => { const c = document.querySelector('#overview-map canvas'); const x = c.getContext('2d');"
        " const d = x.getImageData(0, 0, c.width, c.height).data; const seen = new Set();"
        " for (let i = 0; i < d.length; i += 4 * 97) seen.add([d[i], d[i+1], d[i+2]].join(',')); return [...seen]; }")
    red = [c for c in colours if (lambda r, g, b: r > 180 and g < 110 and b < 110)(*map(int, c.split(",")))]
    green = [c for c in colours if (lambda r, g, b: g > 130 and r < 90 and b < 120)(*map(int, c.split(",")))]
    assert red and green, colours[:20]
    cards = _cells(page, ".kpi")
    assert len(cards) == len(view.cards) >= 4
    for card, text in zip(view.cards, cards, strict=True):
        assert card.name in text and format_number(card.cell.actual) in text and card.cell.level.label in text
        assert card.trend_word in text
    ranking = _cells(page, "#ranking tbody tr")
    assert len(ranking) == 21
    for cell, text in zip(view.ranking, ranking, strict=True):
        assert cell.name in text and format_number(cell.gap) in text and cell.level.label in text
    counts = " ".join(_cells(page, "#level-counts .count-chip"))
    for lv, n in view.counts:
        assert f"{lv.label} {n}" in counts
    s.shot("overview-desktop")

    _click_guangyuan_on_the_map(page)
    page.wait_for_url(re.compile(r"/regions/510800/"), timeout=15_000)
    page.wait_for_selector("#chart-0[data-ready=true]", timeout=15_000)
    guangyuan = region_page("510800", actor=system_actor(), lang="zh")
    panel = next(p for p in guangyuan.panels if p.target.code == "energy_intensity")
    section = page.locator("#ind-energy_intensity")
    assert panel.level.code == "red" and "红灯" in section.locator("h2").inner_text()
    assert panel.explanation in section.inner_text() and "红灯" in panel.explanation  # why it is red
    rows = _cells(page, "#ind-energy_intensity table.annual tbody tr")
    for f, text in zip(panel.years, rows, strict=True):
        assert text.startswith(str(f.year))
        if f.computed:
            assert format_number(f.actual) in text and format_number(f.required) in text and f.level.label in text
    s.shot("region-guangyuan-top", full=False)
    s.shot("region-guangyuan")

    page.click("#ind-energy_intensity a.why")
    page.wait_for_selector("#why-inputs")
    assert "广元市" in page.inner_text("#why-title") and "红灯" in page.inner_text("#why-level")
    assert "observation:" in page.inner_text("#why-inputs") and "progress" in page.inner_text("body")
    s.shot("why-guangyuan-energy-intensity")
    assert s.errors == []


def test_indicator_decomposition_data_version_pages_and_the_switches(demo: None, live_server: Any,
                                                                    browser: Any) -> None:
    from ecer.masterdata.models import DecompositionRun
    from ecer.services.actor import system_actor
    from ecer.services.dashboard.indicator import indicator_page

    s = Session(browser, live_server.url, 1360)
    page = s.page
    page.wait_for_selector("#overview-map[data-ready=true]", timeout=30_000)
    # Switch indicator and year: the body is swapped in place and the map redrawn.
    page.select_option("#overview-switch select[name=indicator]", "energy_total_control")
    page.wait_for_function("() => document.getElementById('overview-data').textContent.includes('/energy_total_control/')")
    page.select_option("#overview-switch select[name=year]", "2022")
    page.wait_for_function("() => document.getElementById('overview-data').textContent.includes('/energy_total_control/2022/')")
    page.wait_for_selector("#overview-map[data-ready=true]")
    assert "indicator=energy_total_control" in page.url and "year=2022" in page.url
    s.shot("overview-total-control-2022")

    page.goto(f"{live_server.url}/indicators/energy_intensity/?year=2023")
    page.wait_for_selector("#indicator-chart[data-ready=true]")
    view = indicator_page("energy_intensity", 2023, actor=system_actor(), lang="zh")
    rows = _cells(page, "#indicator-table tbody tr")
    for cell, text in zip(view.regions, rows, strict=True):
        assert text.startswith(cell.name) and format_number(cell.completion_pct) in text and cell.level.label in text
    s.shot("indicator-energy-intensity-2023")

    run = DecompositionRun.objects.get(indicator__code="energy_intensity")
    page.goto(f"{live_server.url}/decomposition/")
    page.click(f"#run-{run.pk} a >> nth=0")
    page.wait_for_selector("#run-targets")
    shown = {r.split(" ")[0]: r for r in _cells(page, "#run-targets tbody tr")}
    for target in run.targets.select_related("region"):
        assert format_number(target.basic_value) in shown[target.region.name_zh]
    s.shot("decomposition-run")

    page.goto(f"{live_server.url}/why/510800/energy_intensity/2023/")
    page.click("#why-inputs a[href^='/data/batches/'] >> nth=0")
    page.wait_for_selector("text=sha256")
    s.shot("data-batch", full=False)
    page.goto(f"{live_server.url}/why/510800/energy_intensity/2023/")
    page.click("#why-inputs a[href^='/data/observations/'] >> nth=0")
    page.wait_for_selector("tr.current")
    s.shot("data-observation")

    page.select_option("#language-form select", "en")
    page.wait_for_selector("text=All versions")
    assert "Guangyuan" in page.inner_text("body")
    s.shot("observation-english")
    assert s.errors == []


def test_phone_width_has_no_page_overflow_and_keyboard_reaches_the_regions(demo: None, live_server: Any,
                                                                           browser: Any) -> None:
    s = Session(browser, live_server.url, 390)
    page = s.page
    page.wait_for_selector("#overview-map[data-ready=true]", timeout=30_000)
    for path in ("/", "/regions/510800/", "/indicators/energy_intensity/", "/targets/", "/decomposition/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide at a 390px viewport"
        s.shot("phone" + (path.strip("/").replace("/", "-") and "-" + path.strip("/").replace("/", "-") or "-overview"))
    # Keyboard: tab from the top reaches the first region link of the ranking; Enter opens it.
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("#overview-map[data-ready=true]")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#ranking') !== null"):
            break
    else:
        pytest.fail("Tab never reached the ranking table")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/regions/\d+/"))
    assert s.errors == []
