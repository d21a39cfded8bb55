"""Statistics imports: all-or-nothing, idempotent on identical values, versioned on changed values."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecer.errors import InputFileError
from ecer.masterdata.models import ImportBatch, Observation, current_observations
from ecer.masterdata.services.imports import import_statistics

HEADER = "region_code,year,variable,value,unit,source,note\n"


def write(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


GOOD = [
    "510800,2020,energy_total,500.5,10k_tce,test file,",
    "510800,2021,energy_total,510.0,10k_tce,test file,",
    "510100,2021,gdp_current,19917.0,100m_yuan,test file,",
]


def test_import_then_reimport_is_idempotent(catalogs: None, tmp_path: Path) -> None:
    f = write(tmp_path / "a.csv", GOOD)
    first = import_statistics(f)
    assert (first.rows, first.new_versions, first.unchanged) == (3, 3, 0)
    again = import_statistics(f)
    assert (again.rows, again.new_versions, again.unchanged) == (3, 0, 3)
    assert Observation.objects.count() == 3
    assert ImportBatch.objects.count() == 2


def test_changed_value_creates_next_version(catalogs: None, tmp_path: Path) -> None:
    import_statistics(write(tmp_path / "a.csv", GOOD))
    revised = [GOOD[0], GOOD[1].replace("510.0", "512.25"), GOOD[2]]
    result = import_statistics(write(tmp_path / "b.csv", revised))
    assert (result.new_versions, result.unchanged) == (1, 2)
    v2 = Observation.objects.get(region__code="510800", year=2021, version=2)
    assert v2.value == 512.25 and v2.supersedes.value == 510.0
    assert v2.batch.file_name == "b.csv"
    assert {o.value for o in current_observations(["510800"], ["energy_total"], [2021])} == {512.25}


def test_one_bad_row_writes_nothing(catalogs: None, tmp_path: Path) -> None:
    bad = [*GOOD, "510800,2022,energy_total,not-a-number,10k_tce,test file,", "999999,2021,gdp_current,1,100m_yuan,x,"]
    with pytest.raises(InputFileError) as err:
        import_statistics(write(tmp_path / "bad.csv", bad))
    text = str(err.value)
    assert "bad.csv" in text and "row 5" in text and "row 6" in text
    assert Observation.objects.count() == 0
    assert ImportBatch.objects.count() == 0


def test_duplicate_key_in_one_file_is_refused(catalogs: None, tmp_path: Path) -> None:
    dup = [*GOOD, "510800,2021,energy_total,999,10k_tce,test file,"]
    with pytest.raises(InputFileError, match="duplicate"):
        import_statistics(write(tmp_path / "dup.csv", dup))
    assert Observation.objects.count() == 0


def test_illustrative_import_is_labelled_and_approved(catalogs: None, tmp_path: Path) -> None:
    import_statistics(write(tmp_path / "demo.csv", GOOD), illustrative=True)
    assert Observation.objects.filter(is_illustrative=True, status="approved").count() == 3


def test_revision_chain_in_bulk(catalogs: None, tmp_path: Path) -> None:
    """Reverting to an earlier value is a new version (n+1 supersedes n), not a return to version 1."""
    import_statistics(write(tmp_path / "a.csv", GOOD))
    import_statistics(write(tmp_path / "b.csv", [GOOD[1].replace("510.0", "512.25")]))
    result = import_statistics(write(tmp_path / "c.csv", GOOD))
    assert (result.new_versions, result.unchanged) == (1, 2)
    chain = list(Observation.objects.filter(region__code="510800", year=2021).order_by("version"))
    assert [(o.version, o.value) for o in chain] == [(1, 510.0), (2, 512.25), (3, 510.0)]
    assert chain[2].supersedes == chain[1] and chain[1].supersedes == chain[0]
    assert [b.new_versions for b in ImportBatch.objects.order_by("pk")] == [3, 1, 1]


def test_submitted_import_is_not_current_until_approved(catalogs: None, tmp_path: Path) -> None:
    import_statistics(write(tmp_path / "a.csv", GOOD))
    revised = write(tmp_path / "b.csv", [GOOD[0].replace("500.5", "501.0")])
    assert import_statistics(revised, status="submitted").new_versions == 1
    assert {o.value for o in current_observations(["510800"], ["energy_total"], [2020])} == {500.5}
    assert import_statistics(revised, status="submitted").new_versions == 0  # idempotent on the latest version
