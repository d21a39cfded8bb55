"""docs/catalogs.md is generated from the catalogs; it must be current."""

from __future__ import annotations

from pathlib import Path

from ecer.catalogs.docs import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "catalogs.md"


def test_committed_catalog_doc_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "run: python -m ecer.catalogs.docs --out docs/catalogs.md"
    )


def test_doc_names_every_variable_and_region() -> None:
    text = render()
    for needle in (
        "cod_emission",
        "513400",
        "0.1404",
        "0.1229",
        "川西北生态示范区",
        "looks like a growth rate",
    ):
        assert needle in text
