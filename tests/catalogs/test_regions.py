"""The region catalog: Sichuan and its 21 市(州) as METHODOLOGY §9 lists them, zones, tree navigation."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecer.catalogs import load_regions, read_regions_file
from ecer.catalogs.units import catalog_path
from ecer.errors import InputFileError

CITY_CODES = [
    "510100",
    "510300",
    "510400",
    "510500",
    "510600",
    "510700",
    "510800",
    "510900",
    "511000",
    "511100",
    "511300",
    "511400",
    "511500",
    "511600",
    "511700",
    "511800",
    "511900",
    "512000",
    "513200",
    "513300",
    "513400",
]

ZONES = {
    "chengdu_plain": {"510100", "510600", "510700", "510900", "511100", "511800", "511400", "512000"},
    "south_sichuan": {"510300", "510500", "511000", "511500"},
    "northeast_sichuan": {"510800", "511300", "511600", "511700", "511900"},
    "panxi": {"510400", "513400"},
    "northwest_sichuan": {"513200", "513300"},
}


def test_sichuan_has_exactly_the_21_cities_of_methodology_section_9() -> None:
    regions = load_regions()
    assert [r.code for r in regions.children("510000")] == CITY_CODES
    assert "511200" not in regions
    assert all(r.level == "city" and r.parent == "510000" for r in regions.children("510000"))
    assert regions.get("510000").name_zh == "四川省"


def test_names_in_both_languages() -> None:
    regions = load_regions()
    assert regions.get("510100").name_en == "Chengdu"
    assert regions.get("513200").name_zh == "阿坝藏族羌族自治州"
    assert regions.get("513200").name_en == "Aba Tibetan and Qiang Autonomous Prefecture"
    assert regions.get("513300").name_en.startswith("Garzê")
    assert regions.get("513400").name_en == "Liangshan Yi Autonomous Prefecture"
    assert all(r.source for r in regions)


def test_every_city_is_in_its_economic_zone() -> None:
    regions = load_regions()
    assert set(regions.zones) == set(ZONES)
    for zone, members in ZONES.items():
        assert {r.code for r in regions.in_zone(zone)} == members
    assert regions.zones["northwest_sichuan"].name_zh == "川西北生态示范区"


def test_tree_navigation() -> None:
    regions = load_regions()
    assert [r.code for r in regions.roots()] == ["100000"]
    assert [r.code for r in regions.path("513400")] == ["100000", "510000", "513400"]
    assert [r.code for r in regions.tree_order()][:3] == ["100000", "510000", "510100"]
    assert len(regions.descendants("100000")) == 22
    assert regions.province_of("510100").code == "510000"  # type: ignore[union-attr]
    assert regions.province_of("100000") is None
    with pytest.raises(KeyError, match="unknown region code '999999'"):
        regions.get("999999")


def _with_rows(tmp_path: Path, *rows: str) -> Path:
    text = catalog_path("regions.csv").read_text(encoding="utf-8") + "".join(row + "\n" for row in rows)
    path = tmp_path / "regions.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_county_row_loads_under_its_city(tmp_path: Path) -> None:
    path = _with_rows(tmp_path, "510104,510100,county,锦江区,Jinjiang District,chengdu_plain,GB/T 2260")
    regions = read_regions_file(path)
    assert [r.code for r in regions.children("510100")] == ["510104"]
    assert [r.code for r in regions.path("510104")] == ["100000", "510000", "510100", "510104"]


def test_bad_rows_are_all_reported(tmp_path: Path) -> None:
    path = _with_rows(
        tmp_path,
        "51010X,510100,county,坏,Bad,,x",
        "510105,510000,county,青羊区,Qingyang,,x",
        "510106,510100,town,金牛区,Jinniu,,x",
        "510107,519999,county,武侯区,Wuhou,,x",
        "510108,510100,county,成华区,Chenghua,nowhere,x",
        "510100,510000,city,成都市,Chengdu,chengdu_plain,x",
    )
    with pytest.raises(InputFileError) as caught:
        read_regions_file(path)
    text = str(caught.value)
    for expected in (
        "6 digits",
        "cannot have a province",
        "level must be one of",
        "is not in the catalog",
        "unknown economic zone",
        "duplicate region code '510100'",
    ):
        assert expected in text
    assert "row 25" in text and "field 'code'" in text
