"""A real browser (system Chromium through Playwright) on every dashboard page: it renders with no
console error, the numbers and lights shown equal the service output for the same actor, and a
screenshot of each page is kept under test-artifacts/browser/ (git-ignored; the path is printed).

One demo data load, one server and one browser for the whole module: the data are committed once
(as `ecer demo` leaves them) and the database is flushed when the module ends."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import ARGS, CHROMIUM, require_chromium
from ecer.accounting.report import format_number

ARTIFACTS = Path(os.environ.get("ECER_TEST_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts") / "browser"
#: 广元 (Guangyuan) lies around here (degrees east, north); a click there lands on its outline.
GUANGYUAN_LONLAT = (105.9, 32.3)
PHONE = 390
#: Sub-pixel rounding of the layout; anything wider is a real overflow.
OVERFLOW_TOLERANCE = 1

pytestmark = [pytest.mark.browser, pytest.mark.once, pytest.mark.slow]

require_chromium()


@pytest.fixture(scope="module")
def server(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The demo's data, committed once, and a live server on them; flushed afterwards."""
    from django.core.management import call_command
    from pytest_django.live_server_helper import LiveServer

    from demo_fixtures import load_demo

    with django_db_blocker.unblock():
        from django.db import connection

        name = str(connection.settings_dict["NAME"])
        # Never load into (and flush) the user's own database: pytest-django's test database only.
        if not ("memory" in name or "test" in name):
            pytest.fail(f"not a test database: {name} (run the module with its first test, which sets it up)")
        load_demo()
        from ecer.services.dashboard.cache import warm
        from ecer.services.dashboard.common import context

        warm("sichuan-14fyp", context("sichuan-14fyp").years)  # as `ecer demo` precomputes at set-up
        live = LiveServer("localhost")
        live._live_server_modified_settings.enable()
        try:
            yield live.url
        finally:
            live._live_server_modified_settings.disable()
            live.stop()
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def service(server: str, django_db_blocker: Any) -> Iterator[None]:
    """Database access for the test's own service calls (the same data the server reads)."""
    with django_db_blocker.unblock():
        yield


@pytest.mark.django_db
def test_the_module_runs_on_the_test_database() -> None:
    """pytest-django creates its test database only when a collected test carries the django_db mark;
    the pages' tests cannot (a test transaction would block the live server's shared SQLite
    connection), so this one does, and checks it: the module commits data and flushes afterwards."""
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    assert "memory" in name or "test" in name, name


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the server's ORM calls under Playwright's loop
    from playwright.sync_api import sync_playwright

    vendor = Path(__file__).resolve().parents[2] / "src/ecer/web/static/web/vendor/echarts.min.js"
    assert vendor.is_file(), "ECharts is not installed: run scripts/web-assets.sh (scripts/test.sh does)"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser screenshots: {ARTIFACTS}")
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


class Session:
    """A logged-in page that records console errors and failed requests."""

    def __init__(self, browser: Any, base: str, width: int, user: str = "province", lang: str = "zh") -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        if lang == "en":
            self.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
        self.page = self.context.new_page()
        self.page.set_default_timeout(90_000)  # a shared 2-core machine; pages are precomputed
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error"
                     else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error at {self.page.url}: {e} {e.stack}"))
        self.page.on("response", lambda r: self.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        self.base = base
        self.page.goto(f"{base}/login/")
        self.page.fill("#id_username", user)
        self.page.fill("#id_password", f"demo-{user}")
        self.page.click("button.btn")
        self.page.wait_for_url(lambda url: "/login/" not in url)

    def go(self, path: str) -> Any:
        self.page.goto(f"{self.base}{path}")
        self.page.wait_for_load_state("networkidle")
        return self.page

    def shot(self, name: str, full: bool = True) -> Path:
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full)
        assert path.stat().st_size > 10_000
        return path

    def close(self) -> None:
        self.context.close()


def _cells(page: Any, selector: str) -> list[str]:
    return [re.sub(r"\s+", " ", t).strip() for t in page.locator(selector).all_inner_texts()]


def _click_guangyuan_on_the_map(page: Any) -> None:
    pixel = page.evaluate(
        "([lon, lat]) => { const el = document.getElementById('overview-map');"
        " const p = echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 0}, [lon, lat]);"
        " const box = el.getBoundingClientRect(); return [box.left + p[0], box.top + p[1]]; }",
        list(GUANGYUAN_LONLAT))
    page.mouse.click(pixel[0], pixel[1])


def test_new_user_sees_the_coloured_map_and_cards_and_clicks_guangyuan(server: str, service: None,
                                                                     browser: Any) -> None:
    from ecer.services.actor import system_actor
    from ecer.services.dashboard.overview import overview
    from ecer.services.dashboard.region import region_page

    s = Session(browser, server, 1360)
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
    s.close()


def test_overview_switches_in_place_and_the_ranked_list_opens_a_region(server: str, service: None,
                                                                      browser: Any) -> None:
    s = Session(browser, server, 1360)
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
    s.go("/")
    page.click("#rank-510800 a >> nth=0")  # 广元 in the ranked list
    page.wait_for_url(re.compile(r"/regions/510800/"))
    assert "红灯" in page.inner_text("#ind-energy_intensity h2")
    assert s.errors == []
    s.close()


def test_every_other_page_shows_the_service_figures(server: str, service: None, browser: Any) -> None:
    from ecer.masterdata.models import DecompositionRun
    from ecer.services.actor import system_actor
    from ecer.services.dashboard.drill import computation
    from ecer.services.dashboard.indicator import indicator_page
    from ecer.services.dashboard.overview import overview
    from ecer.services.dashboard.runs import list_runs
    from ecer.services.dashboard.sources import batch_page, observation_history
    from ecer.services.plans import plan_overview

    actor = system_actor()  # the province's administrator sees what the system sees
    s = Session(browser, server, 1360)
    page = s.go("/indicators/")
    listed = _cells(page, "#indicator-list li")
    assert [text.split(" ")[0] for text in listed] == [name.split(" ")[0] for _, name in
                                                       overview(actor=actor, lang="zh").indicators]
    s.shot("indicators")

    page = s.go("/indicators/energy_intensity/?year=2023")
    page.wait_for_selector("#indicator-chart[data-ready=true]")
    view = indicator_page("energy_intensity", 2023, actor=actor, lang="zh")
    rows = _cells(page, "#indicator-table tbody tr")
    assert len(rows) == len(view.regions)
    for cell, text in zip(view.regions, rows, strict=True):
        assert text.startswith(cell.name) and format_number(cell.completion_pct) in text and cell.level.label in text
    s.shot("indicator-energy-intensity-2023")

    page = s.go("/why/510800/energy_intensity/2023/")
    c = computation("510800", "energy_intensity", 2023, actor=actor, lang="zh")
    for field in ("actual", "required", "gap", "completion_pct"):
        assert format_number(getattr(c.row, field)) in page.inner_text(f"#why-figures [data-field={field}]")
    assert c.level.label in page.inner_text("#why-level") and c.explanation_zh in page.inner_text("#why-zh")
    assert len(_cells(page, "#why-inputs tbody tr")) == len(c.inputs)
    s.shot("why-guangyuan-2023")
    batch_id = next(ref.id for i in c.inputs for ref in i.refs if ref.kind == "batch")
    observation_id = next(ref.id for i in c.inputs for ref in i.refs if ref.kind == "observation")

    page = s.go("/decomposition/")
    runs = list_runs(actor=actor, lang="zh")
    assert [r.split(" ")[0] for r in _cells(page, "#runs tbody tr")] == [str(r.id) for r in runs]
    s.shot("decompositions")
    run = DecompositionRun.objects.get(indicator__code="energy_intensity")
    page.click(f"#run-{run.pk} a >> nth=0")
    page.wait_for_selector("#run-targets")
    shown = {r.split(" ")[0]: r for r in _cells(page, "#run-targets tbody tr")}
    for target in run.targets.select_related("region"):
        assert format_number(target.basic_value) in shown[target.region.name_zh]
    s.shot("decomposition-run")

    page = s.go(f"/data/batches/{batch_id}/")
    b = batch_page(batch_id, actor=actor, lang="zh")
    assert b.sha256 in page.inner_text("body")
    shown_ids = [t.split(" ")[0] for t in _cells(page, "table.data tbody tr[id^=obs-]")]
    assert shown_ids == [str(o.id) for o in b.observations]
    s.shot("data-batch", full=False)

    page = s.go(f"/data/observations/{observation_id}/")
    versions = observation_history(observation_id, actor=actor, lang="zh")
    rows = _cells(page, "tr[id^=obs-]")
    assert len(rows) == len(versions) and any(v.is_current for v in versions)
    for v, text in zip(versions, rows, strict=True):
        assert text.startswith(str(v.id)) and f"v{v.version}" in text
    s.shot("data-observation")

    page = s.go("/targets/")
    plan = plan_overview(None, "sichuan-14fyp", actor=actor)
    codes = [t.code for g in plan.groups for t in g.targets]
    assert [r.get_attribute("id") for r in page.locator("tr[id^=target-]").all()] == [f"target-{c}" for c in codes]
    s.shot("targets")
    assert s.errors == []
    s.close()


def test_assessment_pages_show_the_assessment_service_results(server: str, service: None, browser: Any) -> None:
    from django.contrib.auth.models import User

    from ecer.services.actor import actor_for_user, system_actor
    from ecer.services.dashboard.assessment import assessment_page, periods

    s = Session(browser, server, 1360)
    page = s.go("/assessment/")
    listed = periods(actor=system_actor(), lang="zh")
    assert len(_cells(page, "#periods tbody tr")) == len(listed)
    assert page.locator("#periods a").count() == sum(p.available for p in listed)
    s.shot("assessments")

    page.click("#period-annual-2023 a")
    page.wait_for_url(re.compile(r"/assessment/annual:2023/"))
    a = assessment_page("annual:2023", actor=system_actor(), lang="zh")
    rows = _cells(page, "#assessment-table tbody tr")
    assert len(rows) == len(a.cities) == 21
    for c, text in zip(a.cities, rows, strict=True):
        assert text.startswith(f"{c.rank} {c.name}")
        for figure in (c.achieved_pct, c.required_pct, c.completion_pct, c.base_points, c.measures_points,
                       c.score, c.total):
            assert format_number(figure) in text
        assert c.grade_name in text and (("一票否决" in text) == c.veto)
    chips = " ".join(_cells(page, "#grade-counts .count-chip"))
    for _, name, n in a.grade_counts:
        assert f"{name} {n}" in chips
    s.shot("assessment-annual-2023")
    # Drill-down: the measures figure opens that city's items; K opens the computation.
    page.click("#city-510800 a[href='#measures-510800']")
    assert page.locator("#measures-510800").get_attribute("open") is not None
    items = _cells(page, "#measures-510800 tbody tr")
    guangyuan = next(c for c in a.cities if c.code == "510800")
    assert len(items) == len(guangyuan.items) == 8
    for item, text in zip(guangyuan.items, items, strict=True):
        assert text.startswith(item.name) and format_number(item.points) in text
    page.click("#city-510800 td:nth-child(3) a")
    page.wait_for_selector("#why-title")
    assert "广元市" in page.inner_text("#why-title")
    # The period switch.
    page = s.go("/assessment/annual:2023/")
    page.select_option("#period-switch select", "midterm")
    page.wait_for_url(re.compile(r"/assessment/midterm/"))
    assert "中期评估" in page.inner_text("#assessment-title")
    assert s.errors == []
    s.close()

    city = Session(browser, server, 1360, user="guangyuan", lang="en")
    page = city.go("/assessment/annual:2023/")
    own = assessment_page("annual:2023", actor=actor_for_user(User.objects.get(username="guangyuan")), lang="en")
    rows = _cells(page, "#assessment-table tbody tr")
    assert len(rows) == 1 and rows[0].startswith(f"{own.cities[0].rank} Guangyuan")
    assert own.cities[0].grade_name in rows[0] == rows[0] and "not completed" in rows[0]
    city.shot("assessment-annual-2023-guangyuan-english")
    assert city.errors == []
    city.close()


PHONE_PAGES = ["/", "/regions/510800/", "/indicators/", "/indicators/energy_intensity/", "/why/510800/energy_intensity/2023/",
               "/decomposition/", "/targets/", "/assessment/", "/assessment/annual:2023/", "/monitoring/"]


def _overflow(page: Any) -> dict[str, int]:
    """Right edges: the document, the header, and each table (or the scrolling box it sits in)."""
    return page.evaluate(
        """() => {
          const out = {document: document.documentElement.scrollWidth,
                       header: document.querySelector('.site-header').scrollWidth};
          const scroller = (el) => {
            for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
              if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(e).overflowX)) { return e; }
            }
            return el; };
          document.querySelectorAll('table').forEach((t, i) => {
            out['table' + i + (t.id ? '#' + t.id : '')] = Math.round(scroller(t).getBoundingClientRect().right);
          });
          if (out.document > innerWidth + 1) {  // name the culprits not inside a scroller
            out.culprits = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1
              && scroller(e) === e).slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id + ':' + e.textContent.slice(0, 40));
          }
          return out; }""")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_phone_width_no_overflow_keyboard_and_written_levels(server: str, service: None, browser: Any,
                                                             lang: str) -> None:
    s = Session(browser, server, PHONE, lang=lang)
    pages = PHONE_PAGES + [f"/decomposition/{_run_id()}/"]
    for path in pages:
        page = s.go(path)
        widths = _overflow(page)
        wide = {k: v for k, v in widths.items() if k == "culprits" or v > PHONE + OVERFLOW_TOLERANCE}
        assert not wide, f"{path} ({lang}) is wider than {PHONE}px: {wide}"
        name = path.strip("/").replace("/", "-").replace(":", "-") or "overview"
        s.shot(f"phone-{lang}-{name}")
    # Keyboard: tab from the top reaches the map (its label says the figures are in the table beside
    # it), then a region link of that ranking; Enter opens it.
    page = s.go("/")
    page.wait_for_selector("#overview-map[data-ready=true]")
    reached_map = False
    for _ in range(80):
        page.keyboard.press("Tab")
        reached_map = reached_map or page.evaluate("document.activeElement.id === 'overview-map'")
        if page.evaluate("document.activeElement.closest('#ranking') !== null"):
            break
    else:
        pytest.fail("Tab never reached the ranking table")
    assert reached_map, "Tab skipped the map"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/regions/\d+/"))
    # Colour is never the only signal: every badge and chip has its level or grade written.
    for path in ("/", "/assessment/annual:2023/"):
        page = s.go(path)
        blank = page.evaluate("() => [...document.querySelectorAll('.badge, .count-chip')]"
                              ".filter(e => !e.innerText.trim()).length")
        assert blank == 0, path
    assert s.errors == []
    s.close()


@pytest.mark.parametrize("width", [1024, 1200, 1440])
def test_no_nav_label_breaks_over_two_lines_at_desktop_widths(server: str, service: None, browser: Any,
                                                               width: int) -> None:
    """A Chinese nav label split over two lines reads as two items; whole items may wrap instead."""
    s = Session(browser, server, width)
    page = s.go("/reports/")
    # the line boxes of each label's text (a Range over the link's first text node)
    lines = page.evaluate("() => [...document.querySelectorAll('.nav a')].map(a => { const r = document.createRange();"
                          " r.selectNodeContents(a.firstChild); return [a.innerText.trim(), r.getClientRects().length]; })")
    split = [(label, n) for label, n in lines if n > 1]
    assert len(lines) >= 9 and not split, f"at {width}px these labels break over several lines: {split}"
    s.shot(f"nav-{width}", full=False)
    s.close()


def _run_id() -> int:
    from ecer.masterdata.models import DecompositionRun

    return DecompositionRun.objects.get(indicator__code="energy_intensity").pk


def test_reports_page_generates_a_report_in_the_background_and_downloads_it(server: str, service: None,
                                                                             browser: Any) -> None:
    """/reports/: choose the annual report of 2023 as Excel, the job page follows the worker's progress,
    then the file downloads and holds the overview service's ranking."""
    import io

    from django.core.management import call_command
    from openpyxl import load_workbook

    from ecer.services.actor import system_actor
    from ecer.services.dashboard.overview import overview

    s = Session(browser, server, 1360)
    page = s.go("/reports/")
    page.select_option("#report-kind", "annual")
    page.select_option("#report-year", "2023")
    page.select_option("#report-format", "xlsx")
    s.shot("reports")
    page.click("#report-generate")
    page.wait_for_url(re.compile(r"/jobs/[^/]+/"))
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")  # the demo's worker process
    link = page.locator("#job-download")
    link.wait_for(state="visible")  # shown by the page's polling once the worker has written the file
    s.shot("reports-job-done")
    with page.expect_download() as download:
        link.click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    ranking = [row[1] for row in book[book.sheetnames[1]].iter_rows(min_row=4, values_only=True)]
    assert ranking == [c.name for c in overview(year=2023, actor=system_actor()).ranking]
    assert s.errors == []
    s.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_header_fits_one_row_at_1280_and_its_menus_open_on_hover_click_and_keyboard(
        server: str, service: None, browser: Any, lang: str) -> None:
    """Twelve flat items took two rows at 1280 px (three in English); menus of related pages keep it to one."""
    s = Session(browser, server, 1280, lang=lang)
    page = s.go("/monitoring/alarms/")
    tops = page.evaluate("() => [...document.querySelectorAll('.nav > a, .nav > .nav-menu')]"
                         ".map(e => Math.round(e.getBoundingClientRect().top))")
    assert len(set(tops)) == 1, f"the nav wraps onto {len(set(tops))} rows: {tops}"
    ledgers = page.locator(".nav-menu[data-menu=ledgers]")
    tasks = ledgers.locator("a[href='/tasks/']")
    assert not tasks.is_visible()
    ledgers.hover()
    assert tasks.is_visible()
    s.shot(f"nav-menu-hover-{lang}", full=False)
    page.mouse.move(5, 700)
    assert not tasks.is_visible()
    page.click(".nav-menu[data-menu=targets] .nav-menu-label")  # a tap opens it (touch screens)
    assert page.locator(".nav-menu[data-menu=targets] a[href='/assessment/']").is_visible()
    page.keyboard.press("Escape")
    # the page you are on: Alarms, inside the monitoring menu, which is marked too
    assert page.locator(".nav-menu[data-menu=monitoring].active a.active").get_attribute("href") == "/monitoring/alarms/"
    page.click("#user-menu")
    assert page.locator("#tokens-link").is_visible()
    s.shot(f"nav-user-menu-{lang}", full=False)
    assert s.errors == []
    s.close()
