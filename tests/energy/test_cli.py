"""`ecer energy register`: template → import → list, as an operator at the console would, and a bad
file's every problem on stderr with exit status 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ecer.cli.main import cli
from ecer.services.energy_register_file import template_bytes
from energy.test_register import CEMENT, unit

pytestmark = pytest.mark.usefixtures("regions")


def test_template_import_and_list(tmp_path: Path) -> None:
    runner = CliRunner()
    empty = tmp_path / "template.xlsx"
    assert runner.invoke(cli, ["energy", "register", "template", str(empty)]).exit_code == 0
    filled = tmp_path / "register.xlsx"
    filled.write_bytes(template_bytes([unit()]))
    result = runner.invoke(cli, ["energy", "register", "import", str(filled)])
    assert result.exit_code == 0 and "1 new" in result.output, result.output
    listed = runner.invoke(cli, ["energy", "register", "list", "--region", "510800"])
    assert CEMENT in listed.output and "非金属矿物制品业" in listed.output and "312,000" in listed.output
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(template_bytes([unit(industry_code="99")]))
    failed = runner.invoke(cli, ["energy", "register", "import", str(bad)])
    assert failed.exit_code == 1 and "bad.xlsx: row 3, field '行业代码'" in failed.output
    assert runner.invoke(cli, ["energy", "register", "import", str(empty)]).exit_code == 1


def test_upload_token_is_printed_once_stored_hashed_and_revoked(tmp_path: Path) -> None:
    from ecer.energy.models import UploadToken
    from ecer.services.energy_tokens import actor_for_upload_token

    runner = CliRunner()
    filled = tmp_path / "register.xlsx"
    filled.write_bytes(template_bytes([unit()]))
    assert runner.invoke(cli, ["energy", "register", "import", str(filled)]).exit_code == 0
    made = runner.invoke(cli, ["energy", "token", "create", "--enterprise", CEMENT, "--name", "gw 1"])
    assert made.exit_code == 0, made.output
    text = next(line for line in made.output.splitlines() if line.startswith("ecerup_"))
    stored = UploadToken.objects.get()
    assert text not in (stored.digest, stored.prefix) and text.startswith(stored.prefix)
    actor = actor_for_upload_token(text)
    assert actor is not None and actor.enterprise_id == stored.enterprise_id
    listed = runner.invoke(cli, ["energy", "token", "list", "--enterprise", CEMENT])
    assert "gw 1" in listed.output and "active" in listed.output and text not in listed.output
    assert runner.invoke(cli, ["energy", "token", "revoke", str(stored.pk)]).exit_code == 0
    assert actor_for_upload_token(text) is None
    unknown = runner.invoke(cli, ["energy", "token", "create", "--enterprise", "91510100MA0000002X", "--name", "x"])
    assert unknown.exit_code == 1


def test_energy_report_list_show_export_and_total(tmp_path: Path) -> None:
    """The demo report, read at the console as the province and as the enterprise; another city sees none."""
    import json

    from ecer.masterdata.services.accounts import ensure_demo_accounts
    from ecer.services.energy_register import seed_demo_register
    from ecer.services.energy_reports import seed_demo_report
    from ecer.services.submissions import ensure_demo_periods

    ensure_demo_periods()
    seed_demo_register()
    ensure_demo_accounts()
    pk = seed_demo_report()
    runner = CliRunner()
    listed = runner.invoke(cli, ["energy", "report", "list"])
    assert listed.exit_code == 0 and "91510700MADEM0002X" in listed.output and "submitted" in listed.output
    assert "MADEM0002X" not in runner.invoke(cli, ["energy", "report", "list", "--user", "chengdu"]).output
    shown = runner.invoke(cli, ["energy", "report", "show", str(pk), "--user", "enterprise"])
    assert shown.exit_code == 0 and json.loads(shown.output)["products"][1]["within_limit"] is False
    refused = runner.invoke(cli, ["energy", "report", "show", str(pk), "--user", "chengdu"])
    assert refused.exit_code == 1 and "no energy report" in refused.output
    out = tmp_path / "report.xlsx"
    assert runner.invoke(cli, ["energy", "report", "export", str(pk), str(out)]).exit_code == 0
    assert out.read_bytes()[:2] == b"PK"
    total = runner.invoke(cli, ["energy", "report", "total", "91510700MADEM0002X", "--year", "2024"])
    assert total.exit_code == 0 and total.output.strip() == "null"  # submitted, not yet approved
