"""Plausibility checks on `ecer data import` (the regression of issue 8: cod_emission=-5,
straw_utilisation_rate=250 and energy_total=1e308 used to import without a word)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecer.errors import InputFileError
from ecer.masterdata.models import ImportBatch, Observation
from ecer.masterdata.services.imports import import_statistics

HEADER = "region_code,year,variable,value,unit,source,note\n"


def write(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(("row", "message"), [
    ("510800,2021,cod_emission,-5,10k_t,s,", "cod_emission = -5 is outside the valid range [0, 10000] 10k_t"),
    ("510800,2021,straw_utilisation_rate,250,pct,s,", "straw_utilisation_rate = 250 is outside the valid range [0, 100] pct"),
    ("510800,2021,energy_total,1e308,10k_tce,s,", "energy_total = 1e+308 is outside the valid range (0, 1000000] 10k_tce"),
    ("510800,2021,gdp_index,170,index_prev_year_100,s,", "gdp_index = 170 is outside the valid range [80, 150]"),
])
def test_hard_violations_are_refused_and_nothing_is_stored(catalogs: None, tmp_path: Path, row: str,
                                                           message: str) -> None:
    good = "510800,2021,gdp_current,1200,100m_yuan,s,"
    with pytest.raises(InputFileError) as err:
        import_statistics(write(tmp_path / "bad.csv", [good, row]))
    assert "row 3, field 'value'" in str(err.value) and message in str(err.value)
    assert Observation.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_a_large_year_on_year_change_needs_a_note(catalogs: None, tmp_path: Path) -> None:
    import_statistics(write(tmp_path / "2020.csv", ["510800,2020,energy_total,500,10k_tce,s,"]))
    with pytest.raises(InputFileError) as err:
        import_statistics(write(tmp_path / "2021.csv", ["510800,2021,energy_total,800,10k_tce,s,"]))
    text = str(err.value)
    assert "row 2, field 'note'" in text and "energy_total changed +60.0% from 2020 (500)" in text
    assert Observation.objects.count() == 1
    explained = import_statistics(write(tmp_path / "2021b.csv",
                                        ["510800,2021,energy_total,800,10k_tce,s,new steel plant started"]))
    assert explained.new_versions == 1


def test_the_previous_year_in_the_same_file_counts(catalogs: None, tmp_path: Path) -> None:
    rows = ["510800,2020,cod_emission,2.0,10k_t,s,", "510800,2021,cod_emission,3.5,10k_t,s,"]
    with pytest.raises(InputFileError) as err:
        import_statistics(write(tmp_path / "a.csv", rows))
    assert "row 3" in str(err.value) and "+75.0%" in str(err.value)


def test_energy_per_gdp_outside_its_band_needs_a_note(catalogs: None, tmp_path: Path) -> None:
    rows = ["510800,2021,energy_total,50000,10k_tce,s,", "510800,2021,gdp_current,1000,100m_yuan,s,"]
    with pytest.raises(InputFileError) as err:
        import_statistics(write(tmp_path / "a.csv", rows))
    assert "energy per unit of GDP (current prices) = 50 tce_per_10k_yuan is outside the plausible band [0.05, 5]" in str(err.value)
