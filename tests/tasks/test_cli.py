"""`ecer tasks list|show` through the same service and permissions (--user)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ecer.cli.main import cli
from ecer.services import tasks as svc
from tasks.conftest import DRC_LEADS, ECO_ONLY, actor, task_id

pytestmark = pytest.mark.usefixtures("plan")


def test_list_and_show_as_the_department() -> None:
    drc = actor("ndrc", "department", None, "drc")
    svc.report(task_id(DRC_LEADS), 2024, actor=drc, status="delayed", milestones="建站", self_score=60)
    runner = CliRunner()
    out = runner.invoke(cli, ["tasks", "list", "--user", "ndrc", "--year", "2024", "--status", "delayed"])
    assert out.exit_code == 0, out.output
    assert DRC_LEADS in out.stdout and "滞后" in out.stdout and ECO_ONLY not in out.stdout
    rows = json.loads(runner.invoke(cli, ["tasks", "list", "--user", "ndrc", "--format", "json"]).stdout)
    assert len(rows) == 46 and ECO_ONLY not in {r["code"] for r in rows}
    shown = runner.invoke(cli, ["tasks", "show", str(task_id(DRC_LEADS)), "--user", "ndrc"])
    assert shown.exit_code == 0 and "2024: 滞后" in shown.stdout and "· 建站" in shown.stdout
    refused = runner.invoke(cli, ["tasks", "show", str(task_id(ECO_ONLY)), "--user", "ndrc"])
    assert refused.exit_code != 0 and "no task" in refused.output
    actor("gy", "city_operator", "510800")
    assert runner.invoke(cli, ["tasks", "list", "--user", "gy"]).exit_code != 0
