"""Reports: what goes in equals the services' output, the files open, the scope is the actor's, the
page starts a job whose file downloads; the LibreOffice and PDF-font checks are in test_rendering.py."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook

from ecer.jobs.runner import execute
from ecer.reports.document import Document, Section, Table, chinese_date, section_number, subsection_number
from ecer.services import reports
from ecer.services.actor import actor_for_user, system_actor
from ecer.services.dashboard.overview import overview
from ecer.services.errors import InvalidRequest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]
YEAR = 2023


def _req(kind: str, fmt: str = "xlsx", **kw: object) -> reports.Request:
    return reports.Request(kind, YEAR, fmt, **kw)  # type: ignore[arg-type]


def test_numbering_and_date_follow_gbt_9704() -> None:
    assert [section_number(i, "zh") for i in (0, 1, 9, 10, 11, 19, 20)] == \
        ["一、", "二、", "十、", "十一、", "十二、", "二十、", "二十一、"]
    assert subsection_number(2, "zh") == "（三）" and section_number(0, "en") == "1. "
    import datetime as dt

    assert chinese_date(dt.date(2026, 12, 3)) == "2026年12月3日"


def test_annual_report_holds_the_overview_figures_of_the_same_actor() -> None:
    doc = reports.build(_req("annual"), actor=system_actor())
    ov = overview(year=YEAR, actor=system_actor())
    cards = doc.sections[0].tables[0]
    assert [row[0] for row in cards.rows] == [c.name for c in ov.cards]
    assert [(row[1], row[2], row[4]) for row in cards.rows] == [(c.cell.actual, c.cell.required, c.cell.level.label)
                                                                for c in ov.cards]
    ranking = doc.sections[1].tables[0]
    assert [(r[1], r[2], r[6]) for r in ranking.rows] == [(c.name, c.actual, c.level.label) for c in ov.ranking]
    assert doc.illustrative and "示例" not in doc.title
    assert ("ECER", reports.__version__) in doc.provenance and any(ov.data_version == v for _, v in doc.provenance)


def test_a_city_gets_its_own_regions_only() -> None:
    actor = actor_for_user(User.objects.get(username="guangyuan"))
    doc = reports.build(_req("barometer", quarter=3), actor=actor)
    regions = {row[1] for row in doc.sections[1].tables[0].rows}
    assert regions == {"广元市"}
    assert "第三季度" in doc.title


def test_assessment_report_ranks_as_the_assessment_page() -> None:
    from ecer.services.dashboard.assessment import assessment_page

    doc = reports.build(_req("assessment"), actor=system_actor())
    page = assessment_page(f"annual:{YEAR}", actor=system_actor())
    table = doc.sections[0].tables[0]
    assert [(r[0], r[1], r[5], r[6]) for r in table.rows] == [(c.rank, c.name, c.total, c.grade_name or "—")
                                                              for c in page.cities]


def test_word_file_has_the_layout_parts_and_the_demo_mark() -> None:
    from docx import Document as Word

    data = reports.generate(_req("annual", "docx"), actor=system_actor())
    word = Word(io.BytesIO(data))
    texts = [p.text for p in word.paragraphs]
    assert texts[0].endswith("办公室") and "2023年度节能减排目标完成情况报告" in texts
    assert any(t.startswith("一、") for t in texts) and any(t.startswith("（一）") for t in texts)
    assert "示例数据" in word.sections[0].header.paragraphs[0].text
    fonts = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert 'w:eastAsia="FandolFang"' in fonts and 'w:eastAsia="FandolHei"' in fonts
    assert "word/media/image1.png" in zipfile.ZipFile(io.BytesIO(data)).namelist()  # the chart


def test_excel_holds_the_tables_marked_and_neutralised() -> None:
    data = reports.generate(_req("annual"), actor=system_actor())
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[-1] == "来源 Sources" and len(book.sheetnames) > 10
    first = book[book.sheetnames[0]]
    assert str(first["A1"].value).startswith("示例数据")
    import datetime as dt

    from ecer.reports.xlsx import render_xlsx
    from ecer.services.spreadsheet_safety import neutralise_cell

    hostile = Document("annual", "t", "i", dt.date(2026, 1, 1), False,
                       [Section("s", tables=[Table("c", ["a", "b"], [["=HYPERLINK(\"x\")", -5.0]], "s")])], [])
    sheet = load_workbook(io.BytesIO(render_xlsx(hostile, neutralise_cell)))["s"]
    assert sheet["A3"].value == "'=HYPERLINK(\"x\")" and sheet["B3"].value == -5.0


@pytest.mark.parametrize(("field", "value"), [("kind", "weekly"), ("fmt", "odt"), ("quarter", 5), ("year", 99999)])
def test_bad_requests_are_refused_naming_the_parameter(field: str, value: object) -> None:
    import dataclasses

    req = dataclasses.replace(_req("annual"), **{field: value})
    with pytest.raises(InvalidRequest):
        reports.build(req, actor=system_actor())


def test_a_year_without_data_is_refused() -> None:
    with pytest.raises(InvalidRequest, match="2031 is not reported"):
        reports.build(reports.Request("annual", 2031, "xlsx"), actor=system_actor())


def test_page_starts_a_job_whose_file_downloads(django_capture_on_commit_callbacks: object) -> None:
    client = Client()
    client.force_login(User.objects.get(username="guangyuan"))
    page = client.get("/reports/")
    assert page.status_code == 200 and b"report-generate" in page.content
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        started = client.post("/reports/", {"kind": "annual", "year": YEAR, "format": "xlsx", "quarter": ""})
    assert started.status_code == 302 and "/jobs/" in started["Location"]
    job_id = started["Location"].split("/jobs/")[1].split("/")[0]
    # What the worker's task runs (ecer.jobs.tasks.run_job), in this test's transaction: the real
    # worker command closes the database connection when it ends, which would end the package's
    # demo-data transaction on PostgreSQL (the worker process itself is tested in tests/jobs).
    execute(job_id)
    status = client.get(f"/jobs/{job_id}/status/").json()
    assert status["status"] == "succeeded", status
    download = client.get(f"/jobs/{job_id}/file/")
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content) if download.streaming else download.content))
    assert "ecer-annual-2023.xlsx" in download.get("Content-Disposition", "")
    regions = {row[1] for row in book[book.sheetnames[1]].iter_rows(min_row=4, values_only=True)}
    assert regions == {"广元市"}  # the city's report, built for the city
    other = Client()
    other.force_login(User.objects.get(username="chengdu"))
    assert other.get(f"/jobs/{job_id}/file/").status_code == 404  # another city cannot fetch it


def test_auditor_may_read_the_page_but_not_start_jobs() -> None:
    client = Client()
    client.force_login(User.objects.get(username="auditor"))
    assert client.get("/reports/").status_code == 200
    refused = client.post("/reports/", {"kind": "annual", "year": YEAR, "format": "xlsx"}, follow=True)
    assert "may not start jobs" in refused.content.decode()


def test_api_starts_a_report_job_and_refuses_bad_years() -> None:
    client = Client()
    client.force_login(User.objects.get(username="province"))
    ok = client.post("/api/reports/", {"kind": "annual", "year": YEAR, "format": "docx"}, content_type="application/json")
    assert ok.status_code == 202 and ok.json()["kind"] == reports.REPORT_JOB
    bad = client.post("/api/reports/", {"kind": "annual", "year": 99999, "format": "docx"},
                      content_type="application/json")
    assert bad.status_code == 400
