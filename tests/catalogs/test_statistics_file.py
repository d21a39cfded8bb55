"""The region-year statistics file: every problem named by file, row and field; CSV and XLSX alike."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecer.catalogs import StatRow, read_statistics_file, write_statistics_template
from ecer.errors import InputFileError

HEADER = "region_code,year,variable,value,unit,source,note\n"


def _csv(tmp_path: Path, body: str, header: str = HEADER, name: str = "stats.csv") -> Path:
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(InputFileError) as caught:
        read_statistics_file(path)
    assert all(p.file == str(path) for p in caught.value.problems)
    return [str(p) for p in caught.value.problems]


def test_good_rows_are_read(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(
        (
            "\ufeffregion_code,region_name,year,variable,value,unit,source,note\n"
            "510000,四川省,2022,gdp_current,56610.2,100m_yuan,四川统计年鉴2023,final\n"
            "\n"
            "510100,成都,2022,gdp_index,102.8,index_prev_year_100,yearbook,\n"
            "513200,阿坝州,2022,straw_utilisation_rate,90.5,pct,bulletin,\n"
        ).encode("utf-8")
    )
    rows = read_statistics_file(path)
    assert rows[0] == StatRow(
        "510000", 2022, "gdp_current", 56610.2, "100m_yuan", "四川统计年鉴2023", "final", 2
    )
    assert [r.row_number for r in rows] == [2, 4, 5]


def test_every_problem_is_collected_with_row_and_field(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        (
            "519999,2022,gdp_current,1,100m_yuan,s,\n"  # 2 unknown region
            "510100,2022,gdp_now,1,100m_yuan,s,\n"  # 3 unknown variable
            "510100,2022,energy_total,1,tce,s,\n"  # 4 wrong unit
            "510100,2022,energy_total,abc,10k_tce,s,\n"  # 5 non-numeric
            "510100,2022,energy_total,,10k_tce,s,\n"  # 6 empty value
            "510100,1900,energy_total,5,10k_tce,s,\n"  # 7 year out of range
            "510100,2021,energy_total,5,10k_tce,s,\n"  # 8 ok
            "510100,2021,energy_total,6,10k_tce,s,\n"  # 9 duplicate of 8
            "510100,2021,gdp_current,0,100m_yuan,s,\n"  # 10 zero GDP
            "510100,2021,industrial_va_current,-3,100m_yuan,s,\n"  # 11 negative
            "510100,2021,gdp_index,8.2,index_prev_year_100,s,\n"  # 12 growth rate typed
            "510100,2021,pi_energy,1e5,tce,,\n"  # 13 empty source
            "510100,20x1,pi_water,1,10k_m3,s,\n"  # 14 bad year
            "510100,2021,pi_co2,nan,t_co2,s,\n"  # 15 nan
        ),
    )
    problems = _problems(path)
    expected = [
        ("row 2", "region_code", "unknown region code '519999'"),
        ("row 3", "variable", "unknown variable 'gdp_now'"),
        ("row 4", "unit", "expected '10k_tce'"),
        ("row 5", "value", "not a number: 'abc'"),
        ("row 6", "value", "value is empty"),
        ("row 7", "year", "outside 1949–2100"),
        ("row 9", "variable", "duplicate of row 8"),
        ("row 10", "value", "gdp_current = 0 is outside the valid range (0, 2000000]"),
        ("row 11", "value", "industrial_va_current = -3 is outside the valid range (0, 1000000]"),
        (
            "row 12",
            "value",
            "looks like a growth rate in percent; give the index with the previous year = 100, e.g. 108.2",
        ),
        ("row 13", "source", "source is empty"),
        ("row 14", "year", "whole number"),
        ("row 15", "value", "not a finite number"),
    ]
    assert len(problems) == len(expected), problems
    for text, (row, field, message) in zip(problems, expected, strict=True):
        assert f"{row}, field '{field}'" in text and message in text, text


def test_missing_and_unknown_columns(tmp_path: Path) -> None:
    problems = _problems(_csv(tmp_path, "510100,2021,5\n", header="region_code,year,valeu\n"))
    assert any("missing column 'variable'" in p for p in problems)
    assert any("missing column 'value'" in p for p in problems)
    assert any("unknown column 'valeu'" in p for p in problems)


def test_region_name_must_match_the_code(tmp_path: Path) -> None:
    header = "region_code,region_name,year,variable,value,unit,source,note\n"
    path = _csv(
        tmp_path,
        "510100,Chengdu,2021,pi_water,1,10k_m3,s,\n510100,绵阳市,2021,pi_co2,1,t_co2,s,\n",
        header=header,
    )
    problems = _problems(path)
    assert len(problems) == 1
    assert "row 3, field 'region_name'" in problems[0] and "成都市" in problems[0]


def test_empty_and_undecodable_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "the file is empty" in _problems(empty)[0]
    latin = tmp_path / "gbk.csv"
    latin.write_bytes(HEADER.encode() + "510100,2021,pi_co2,1,t_co2,四川统计局,\n".encode("gbk"))
    assert "not UTF-8" in _problems(latin)[0]


def test_xlsx_statistics_sheet(tmp_path: Path) -> None:
    path = tmp_path / "stats.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "statistics"
    sheet.append(["region_code", "year", "variable", "value", "unit", "source", "note"])
    sheet.append(["510100", 2021, "energy_total", 4500.5, "10k_tce", "yearbook", None])
    sheet.append([510300, 2021.0, "gdp_index", 8.2, "index_prev_year_100", "yearbook", None])
    workbook.save(path)
    problems = _problems(path)
    assert len(problems) == 1 and "row 3, field 'value'" in problems[0]
    sheet.delete_rows(3)
    workbook.save(path)
    assert read_statistics_file(path) == [
        StatRow("510100", 2021, "energy_total", 4500.5, "10k_tce", "yearbook", "", 2)
    ]
    workbook.active.title = "data"
    workbook.save(path)
    assert "no sheet named 'statistics'" in _problems(path)[0]


def test_templates(tmp_path: Path) -> None:
    csv_path = write_statistics_template(tmp_path / "template.csv")
    assert csv_path.read_text(encoding="utf-8").startswith("region_code,region_name,year,variable,value,unit")
    assert read_statistics_file(csv_path) == []
    xlsx = write_statistics_template(tmp_path / "template.xlsx")
    workbook = openpyxl.load_workbook(xlsx)
    assert workbook.sheetnames == ["statistics", "variables", "regions", "README"]
    codes = [row[0] for row in workbook["variables"].iter_rows(min_row=2, values_only=True)]
    assert "gdp_current" in codes and "cod_emission" in codes
    assert ("510100", "成都市") in [row[:2] for row in workbook["regions"].iter_rows(values_only=True)]
    readme = " ".join(str(c) for row in workbook["README"].iter_rows(values_only=True) for c in row if c)
    assert "108.2" in readme and "上年=100" in readme
    # A filled-in template reads back.
    workbook["statistics"].append(
        ["510100", "成都市", 2022, "gdp_current", 20817.5, "100m_yuan", "yearbook", ""]
    )
    workbook.save(xlsx)
    assert read_statistics_file(xlsx)[0].value == 20817.5


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_any_bytes_give_rows_or_input_file_error(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        rows = read_statistics_file(path)
    except InputFileError:
        return
    assert isinstance(rows, list)


row_text = st.text(alphabet=st.sampled_from(list('510023,."\n -eE9xy年度')), max_size=60)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=row_text)
def test_any_rows_after_a_valid_header(tmp_path: Path, body: str) -> None:
    path = tmp_path / "fuzz-rows.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    try:
        rows = read_statistics_file(path)
    except InputFileError as exc:
        assert all(p.file == str(path) and p.location for p in exc.problems)
        return
    assert all(isinstance(r, StatRow) for r in rows)
