from click.testing import CliRunner

from ecer.cli.main import cli


def test_cli_lists_its_commands() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    assert "ECER" in result.output
