"""`ecer data template` and `ecer data import` through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ecer.catalogs.statistics import read_statistics_file
from ecer.cli.main import cli
from ecer.masterdata.models import Observation

HEADER = "region_code,year,variable,value,unit,source,note\n"


@pytest.mark.parametrize("name", ["t.csv", "t.xlsx"])
def test_template_is_a_valid_empty_file(tmp_path: Path, name: str) -> None:
    result = CliRunner().invoke(cli, ["data", "template", str(tmp_path / name)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / name).exists()


def test_template_refuses_other_suffixes(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["data", "template", str(tmp_path / "t.txt")])
    assert result.exit_code != 0 and ".csv or .xlsx" in result.output


@pytest.mark.django_db(transaction=True)
def test_import_reports_counts_and_problems(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "510800,2021,energy_total,510.0,10k_tce,city bureau,\n"
                    "510800,2021,gdp_current,1200.5,100m_yuan,city bureau,\n", encoding="utf-8")
    assert len(read_statistics_file(good)) == 2
    runner = CliRunner()
    first = runner.invoke(cli, ["data", "import", str(good)])
    assert first.exit_code == 0, first.output
    assert "2 rows, 2 new versions, 0 unchanged" in first.output
    again = runner.invoke(cli, ["data", "import", str(good)])
    assert "2 rows, 0 new versions, 2 unchanged" in again.output

    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "510800,2022,energy_total,520.0,10k_tce,city bureau,\n"
                   "510800,2022,gdp_current,abc,100m_yuan,city bureau,\n", encoding="utf-8")
    failed = runner.invoke(cli, ["data", "import", str(bad)])
    assert failed.exit_code == 1
    assert "nothing was imported" in failed.output and "row 3" in failed.output and "value" in failed.output
    assert Observation.objects.count() == 2
    assert not Observation.objects.filter(year=2022).exists()
