"""The register of key energy-using units: the Excel file round-trips, every bad row is named and
nothing of a bad file is stored, scope holds for lists, details and imports, and a change of name or
region is kept as history."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from ecer.core.credit_code import complete
from ecer.energy.models import KeyEnergyUnit, RegisterChange
from ecer.errors import InputFileError
from ecer.monitoring.models import Enterprise
from ecer.services import energy_register as register
from ecer.services.actor import Actor, PermissionDenied, Role
from ecer.services.energy_register_file import read_register, template_bytes
from ecer.services.errors import NotFound
from energy.conftest import AUDITOR, CHENGDU, GUANGYUAN, PROVINCE, city_actor

pytestmark = pytest.mark.usefixtures("regions")

CEMENT = complete("91510800MA0000001")  # 广元
PAPER = complete("91510100MA0000002")  # 成都


def unit(code: str = CEMENT, region: str = GUANGYUAN, **overrides: Any) -> dict[str, Any]:
    row = {"credit_code": code, "name": f"某单位 {code[-4:]}", "region_code": region, "industry_code": "C3011",
           "level": "ten_thousand", "annual_energy_tce": 312000, "contact_name": "王工", "contact_phone": "0839-1234567",
           "contact_email": "energy@example.cn", "files_annual_report": True, "online_monitoring": True,
           "energy_budget": False, "listed_since": 2021}
    return row | overrides


def test_the_template_round_trips_and_normalises_codes() -> None:
    [row] = read_register(template_bytes([unit()]), "r.xlsx")
    assert (row.credit_code, row.industry_code, row.level, row.annual_energy_tce) == (CEMENT, "3011", "ten_thousand",
                                                                                       312000)
    assert row.online_monitoring and not row.energy_budget and row.listed_since == 2021
    sheet = load_workbook(io.BytesIO(template_bytes())).active
    assert sheet.cell(1, 1).value == "统一社会信用代码" and "GB 32100" in sheet.cell(2, 1).value


def test_every_bad_row_is_named_with_its_column_and_nothing_is_stored() -> None:
    wrong_check = CEMENT[:-1] + ("0" if CEMENT[-1] != "0" else "1")
    rows = [unit(), unit(code=wrong_check), unit(code=PAPER, region=CHENGDU, industry_code="D3011"),
            unit(code=complete("91510800MA0000003"), level="big", online_monitoring="maybe", annual_energy_tce=-5),
            unit(code=CEMENT)]
    with pytest.raises(InputFileError) as err:
        register.import_register(template_bytes(rows), "bad.xlsx", actor=PROVINCE)
    found = {(p.location, p.field): p.message for p in err.value.problems}
    assert "character 18" in found[("row 4", "统一社会信用代码")] and "give" in found[("row 4", "统一社会信用代码")]
    assert "section C, not D" in found[("row 5", "行业代码")]
    assert {("row 6", "用能级别"), ("row 6", "接入能耗在线监测"), ("row 6", "上年综合能耗（吨标准煤）")} <= set(found)
    assert "already in row 3" in found[("row 7", "统一社会信用代码")]
    assert Enterprise.objects.count() == 0 and KeyEnergyUnit.objects.count() == 0


def test_a_region_not_in_the_table_or_outside_the_importers_scope_is_refused() -> None:
    with pytest.raises(InputFileError) as err:
        register.import_register(template_bytes([unit(region="519999"), unit(code=PAPER, region=CHENGDU)]), "r.xlsx",
                                 actor=city_actor(GUANGYUAN))
    messages = [str(p) for p in err.value.problems]
    assert any("519999 is not in the region table" in m for m in messages)
    assert any("510100 is outside your regions" in m for m in messages)
    assert KeyEnergyUnit.objects.count() == 0


def test_reviewers_and_auditors_do_not_maintain_the_register() -> None:
    data = template_bytes([unit()])
    for actor in (AUDITOR, city_actor(GUANGYUAN, Role.CITY_REVIEWER), Actor("rv", Role.PROVINCE_REVIEWER)):
        with pytest.raises(PermissionDenied):
            register.import_register(data, "r.xlsx", actor=actor)


def test_scope_of_lists_and_details() -> None:
    register.import_register(template_bytes([unit(), unit(code=PAPER, region=CHENGDU, industry_code="2211")]),
                             "r.xlsx", actor=PROVINCE)
    assert {u.credit_code for u in register.list_units(actor=city_actor(GUANGYUAN))} == {CEMENT}
    assert {u.credit_code for u in register.list_units(actor=AUDITOR)} == {CEMENT, PAPER}
    reporter = Actor("ent", Role.ENTERPRISE_REPORTER, enterprise_id=Enterprise.objects.get(credit_code=PAPER).pk)
    assert [u.credit_code for u in register.list_units(actor=reporter)] == [PAPER]
    with pytest.raises(NotFound):
        register.unit_detail(PAPER, actor=city_actor(GUANGYUAN))
    detail = register.unit_detail(CEMENT.lower(), actor=city_actor(GUANGYUAN))
    assert detail.unit.industry_name == "非金属矿物制品业" and detail.unit.region_name.startswith("广元")
    assert [u.credit_code for u in register.list_units(actor=PROVINCE, industry="22")] == [PAPER]
    assert [u.credit_code for u in register.list_units(actor=PROVINCE, region=GUANGYUAN)] == [CEMENT]


def test_a_change_of_name_or_region_is_kept_as_history_and_a_second_import_changes_nothing() -> None:
    register.import_register(template_bytes([unit()]), "2023.xlsx", actor=PROVINCE)
    again = register.import_register(template_bytes([unit()]), "2023.xlsx", actor=PROVINCE)
    assert again.unchanged == [CEMENT] and not again.changes
    moved = register.import_register(template_bytes([unit(name="某新名称水泥", region="511900", energy_budget=True)]),
                                     "2024.xlsx", actor=PROVINCE)
    assert moved.updated == [CEMENT]
    history = [(c.field, c.old_value, c.new_value, c.source) for c in RegisterChange.objects.all()]
    assert history == [("name", "某单位 " + CEMENT[-4:], "某新名称水泥", "2024.xlsx row 3"),
                       ("region_code", GUANGYUAN, "511900", "2024.xlsx row 3")]
    assert KeyEnergyUnit.objects.get().energy_budget is True
    assert len(register.unit_detail(CEMENT, actor=city_actor("511900")).history) == 2  # now 巴中's
    assert register.list_units(actor=city_actor(GUANGYUAN)) == []


def test_a_city_may_not_take_over_another_citys_unit() -> None:
    register.import_register(template_bytes([unit(code=PAPER, region=CHENGDU)]), "r.xlsx", actor=PROVINCE)
    with pytest.raises(InputFileError, match="registered in 510100, outside your regions"):
        register.import_register(template_bytes([unit(code=PAPER, region=GUANGYUAN)]), "r.xlsx",
                                 actor=city_actor(GUANGYUAN))
    assert Enterprise.objects.get(credit_code=PAPER).region_code == CHENGDU


def test_the_export_imports_back_unchanged() -> None:
    register.import_register(template_bytes([unit(), unit(code=PAPER, region=CHENGDU)]), "r.xlsx", actor=PROVINCE)
    result = register.import_register(register.export_register(actor=PROVINCE), "export.xlsx", actor=PROVINCE)
    assert sorted(result.unchanged) == sorted([CEMENT, PAPER]) and not result.updated


def test_not_a_workbook_and_a_missing_column_are_clear() -> None:
    with pytest.raises(InputFileError, match="not an Excel workbook"):
        register.import_register(b"credit_code,name\n", "r.csv", actor=PROVINCE)
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["统一社会信用代码", "单位名称"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(InputFileError, match="holds no unit rows"):
        register.import_register(template_bytes(), "empty.xlsx", actor=PROVINCE)
    with pytest.raises(InputFileError, match="missing column '行业代码'"):
        register.import_register(out.getvalue(), "r.xlsx", actor=PROVINCE)


def test_the_demo_register_is_valid_labelled_and_idempotent() -> None:
    from ecer.monitoring.demo import seed_demo_registry

    seed_demo_registry()
    first = register.seed_demo_register()
    assert len(first.created) >= 8 and all(u.name.startswith("示例") for u in register.list_units(actor=PROVINCE))
    assert register.seed_demo_register().unchanged == first.created + first.updated
