"""Every ECER_* variable the code reads is documented."""

from __future__ import annotations

from pathlib import Path

from ecer import config

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_every_documented_variable_is_in_configuration_md() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [name for name in config.DOCUMENTED_VARIABLES if f"`{name}`" not in text]
    assert not missing, f"add these variables to {DOC}: {missing}"


def test_every_env_variable_read_in_config_is_listed_as_documented() -> None:
    # config.py names each variable in an ENV_* constant; a new constant must join DOCUMENTED_VARIABLES.
    constants = {v for k, v in vars(config).items() if k.startswith("ENV_") and isinstance(v, str)}
    assert constants <= set(config.DOCUMENTED_VARIABLES)
