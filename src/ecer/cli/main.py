"""The `ecer` command. Each command group lives in its own module; this file only assembles them."""

from __future__ import annotations

import importlib

import click

from ecer import __version__

# (module, attribute): every module defines one click command or group.
COMMANDS = [
    ("ecer.cli.demo", "demo"),
    ("ecer.cli.plan", "plan"),
    ("ecer.cli.data", "data"),
    ("ecer.cli.accounting", "progress"),
    ("ecer.cli.accounting", "explain"),
    ("ecer.cli.assessment", "decompose"),
    ("ecer.cli.assessment_assess", "assess"),
    ("ecer.cli.hj212", "hj212"),
    ("ecer.cli.jobs", "jobs"),
    ("ecer.cli.serve", "serve"),
    ("ecer.cli.manage", "manage"),
    ("ecer.cli.audit", "audit"),
    ("ecer.cli.token", "token"),
    ("ecer.cli.monitoring", "monitoring"),
    ("ecer.cli.report", "report"),
    ("ecer.cli.energy", "energy"),
    ("ecer.cli.tasks", "tasks"),
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ecer")
def cli() -> None:
    """ECER 节能减排 target-system platform."""


for module_name, attribute in COMMANDS:
    module = importlib.import_module(module_name)
    if hasattr(module, attribute):
        cli.add_command(getattr(module, attribute))


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
