"""The deployment files in deploy/ name commands and variables that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecer import config
from ecer.cli.main import cli

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = sorted(DEPLOY.glob("*.service"))


def test_the_unit_set_is_complete() -> None:
    assert {u.name for u in UNITS} == {"ecer-web.service", "ecer-gateway.service", "ecer-jobs.service",
                                         "ecer-scheduler.service"}
    wants = (DEPLOY / "ecer.target").read_text()
    assert all(u.name in wants for u in UNITS)


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_unit_commands_are_real_ecer_commands(unit: Path) -> None:
    text = unit.read_text()
    assert "User=ecer" in text and "UMask=0077" in text and "EnvironmentFile=/etc/ecer/ecer.env" in text
    commands = re.findall(r"^Exec(?:Start|StartPre)=/opt/ecer/venv/bin/ecer (.+)$", text, re.M)
    assert commands
    for command in commands:
        args = shlex.split(command)
        # `--help` after the arguments: click validates the command path and every option name.
        words = [a for a in args if not a.startswith("-") and not re.fullmatch(r"[\d.:]+", a)]
        result = CliRunner().invoke(cli, [*words[:2], "--help"] if words[0] != "manage" else ["manage", "help"])
        assert result.exit_code == 0, (command, result.output)
        options = [a.split("=")[0] for a in args if a.startswith("--")]
        for option in options:
            if words[0] != "manage":
                assert option in result.output, (command, option)


def test_environment_example_uses_documented_variables_only() -> None:
    names = re.findall(r"^(ECER_[A-Z_]+)=", (DEPLOY / "ecer.env.example").read_text(), re.M)
    assert set(names) <= set(config.DOCUMENTED_VARIABLES)
    assert {"ECER_HTTPS", "ECER_PROXY_HOPS", "ECER_SECRET_KEY", "ECER_DATABASE_URL"} <= set(names)


@pytest.mark.parametrize("name", ["nginx.conf", "Caddyfile"])
def test_proxies_forward_what_the_settings_expect(name: str) -> None:
    text = (DEPLOY / name).read_text()
    assert "127.0.0.1:8000" in text and "X-Request-ID" in text and "Server" in text
    if name == "nginx.conf":
        assert "proxy_set_header X-Forwarded-For $remote_addr;" in text  # overwritten, not appended
        assert "proxy_set_header X-Forwarded-Proto $scheme;" in text and "server_tokens off;" in text
