"""Uploads: the template round trip and the bad-input list, through the real job worker. Every bad
file is refused as a whole, with sheet/row/column/problem, and nothing from it is stored."""

from __future__ import annotations

import io
from collections.abc import Callable

import openpyxl
import pytest
from django.core.management import call_command

from ecer.collection.models import SubmissionValue
from ecer.services import jobs
from ecer.services import submissions as s

from .conftest import ANNUAL, city_actor

pytestmark = pytest.mark.django_db(transaction=True)


def _work() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")


def _template(period: str) -> tuple[int, openpyxl.Workbook]:
    view = s.start_submission(city_actor(), "510800", period, "annual_statistics")
    data, name = s.template(city_actor(), view.id)
    assert name.endswith(".xlsx")
    return view.id, openpyxl.load_workbook(io.BytesIO(data))


def _fill(book: openpyxl.Workbook, values: dict[str, object]) -> None:
    sheet = book["填报"]
    for row in range(7, sheet.max_row + 1):
        code = sheet.cell(row=row, column=1).value
        if code in values:
            sheet.cell(row=row, column=5, value=values[code])


def _upload(sub_id: int, book: openpyxl.Workbook | bytes, name: str = "up.xlsx") -> jobs.JobInfo:
    if isinstance(book, openpyxl.Workbook):
        out = io.BytesIO()
        book.save(out)
        data = out.getvalue()
    else:
        data = book
    info = s.upload_file(city_actor(), sub_id, name, len(data), lambda: data)
    _work()
    return jobs.get_job(info.id, city_actor())


def _stored(sub_id: int) -> int:
    return SubmissionValue.objects.filter(submission_id=sub_id, value__isnull=False).count()


def test_template_has_headers_units_validation_instructions_and_previous_values(period: str) -> None:
    sub_id, book = _template(period)
    assert book.sheetnames == ["填报", "说明"]
    sheet = book["填报"]
    assert sheet["B2"].value == "510800" and sheet["B3"].value == "2024" and sheet["D3"].value == "annual_statistics"
    assert sheet["E6"].value == "本期值 value" and sheet["C7"].value == "100m_yuan"
    assert any("E7" in str(v.sqref) for v in sheet.data_validations.dataValidation)


def test_a_good_upload_fills_the_draft(period: str) -> None:
    sub_id, book = _template(period)
    _fill(book, ANNUAL)
    job = _upload(sub_id, book)
    assert job.status == "succeeded", (job.message, job.problems)
    assert _stored(sub_id) == len(ANNUAL)
    assert s.submit(city_actor(), sub_id).status == "submitted"


def _merged(book: openpyxl.Workbook) -> None:
    book["填报"].merge_cells("E7:E8")


def _no_sheet(book: openpyxl.Workbook) -> None:
    book["填报"].title = "Sheet1"


def _other_region(book: openpyxl.Workbook) -> None:
    book["填报"]["B2"] = "510100"


def _unknown_region(book: openpyxl.Workbook) -> None:
    book["填报"]["B2"] = "519999"


@pytest.mark.parametrize(("change", "expect"), [
    (lambda b: _fill(b, {**ANNUAL, "gdp_current": "一千二"}), ("填报", "row 7", "E (本期值 value)", "text in a numeric cell")),
    (lambda b: b["填报"].cell(row=7, column=3, value="yuan"), ("填报", "row 7", "C (单位 unit)", "wrong unit 'yuan'")),
    (lambda b: b["填报"].cell(row=7, column=1, value="gdp_nonsense"), ("填报", "row 7", "A (指标代码 variable)", "unknown variable code")),
    (lambda b: _fill(b, {**ANNUAL, "cod_emission": -5}), ("填报", None, "E (本期值 value)", "cod_emission = -5 is outside")),
    (_merged, ("填报", "row 7", "E7:E8", "merged cells")),
    (_no_sheet, ("填报", "file", "", "missing required sheet")),
    (_other_region, ("填报", "cell B2", "region_code", "a submission for another region is refused")),
    (_unknown_region, ("填报", "cell B2", "region_code", "unknown region code '519999'")),
])
def test_bad_files_are_refused_whole(period: str, change: Callable[[openpyxl.Workbook], None],
                                     expect: tuple[str, str | None, str, str]) -> None:
    sub_id, book = _template(period)
    _fill(book, ANNUAL)
    change(book)
    job = _upload(sub_id, book)
    assert job.status == "failed"
    sheet, row, column, text = expect
    assert any(p["sheet"] == sheet and (row is None or p["row"] == row) and p["column"] == column
               and text in p["problem"] for p in job.problems), job.problems
    assert _stored(sub_id) == 0  # all-or-nothing: the good rows of the file were not kept either


def test_csv_is_accepted_and_checked(period: str) -> None:
    sub_id, _ = _template(period)
    lines = ["region_code,period,kind,variable,unit,value,explanation"]
    from ecer.catalogs.variables import load_variables

    lines += [f"510800,2024,annual_statistics,{k},{load_variables().get(k).unit},{v}," for k, v in ANNUAL.items()]
    job = _upload(sub_id, ("\n".join(lines) + "\n").encode(), "data.csv")
    assert job.status == "succeeded" and _stored(sub_id) == len(ANNUAL)
    bad = lines + ["510800,2024,annual_statistics,gdp_current,100m_yuan,5,"]
    job = _upload(sub_id, ("\n".join(bad) + "\n").encode(), "data.csv")
    assert job.status == "failed" and "appears twice" in job.problems[0]["problem"]


def test_a_50_mb_file_is_refused_before_it_is_read(period: str) -> None:
    sub_id, _ = _template(period)
    read: list[bool] = []
    with pytest.raises(s.SubmissionError, match="larger than the limit"):
        s.upload_file(city_actor(), sub_id, "big.xlsx", 50 * 1024 * 1024, lambda: read.append(True) or b"")
    assert read == [] and jobs.list_jobs(city_actor()) == []


def test_the_report_lists_the_first_thousand_problems_and_the_total(period: str) -> None:
    sub_id, _ = _template(period)
    lines = ["region_code,period,kind,variable,unit,value,explanation"]
    lines += [f"510800,2024,annual_statistics,nope_{n},x,1," for n in range(70_000)]
    job = _upload(sub_id, ("\n".join(lines) + "\n").encode(), "huge.csv")
    assert job.status == "failed" and job.problem_total == 70_000 and len(job.problems) == 1000
    report, _ = jobs.problem_report_csv(job.id, city_actor())
    assert report.decode("utf-8-sig").count("\n") == 1002
