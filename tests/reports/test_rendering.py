"""The Done-when of the reports, with the real tools: `ecer report --year 2023 --kind annual` writes
Word, PDF and Excel; the Word file opens in LibreOffice with its Chinese text rendered (converted to
PDF and to PNG); the PDF embeds its CJK fonts. Outside CI, missing LibreOffice/poppler/fonts skip this
module (scripts/ensure-report-tools.sh installs them); in CI their absence fails it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecer.cli.main import cli
from ecer.reports.fonts import MissingFont, check_fonts
from ecer.reports.pdf import docx_to_pdf

TOOLS = ("soffice", "pdffonts", "pdftotext", "pdftoppm")


def _missing() -> list[str]:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    try:
        check_fonts()
    except MissingFont as error:
        missing.append(str(error))
    return missing


if _missing() and os.environ.get("CI") != "true":
    pytest.skip(f"report tools missing: {_missing()} (scripts/ensure-report-tools.sh)", allow_module_level=True)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data"), pytest.mark.slow, pytest.mark.once]
CJK_FONTS = ("FandolFang", "FandolHei")


def _artifacts() -> Path:
    out = Path(os.environ.get("ECER_TEST_ARTIFACTS", "test-artifacts")) / "reports"
    out.mkdir(parents=True, exist_ok=True)
    return out


def test_annual_report_in_three_formats_opens_with_its_chinese_text(tmp_path: Path) -> None:
    assert _missing() == []
    for fmt in ("docx", "pdf", "xlsx"):
        result = CliRunner().invoke(cli, ["report", "--year", "2023", "--kind", "annual", "--format", fmt,
                                          "-o", str(tmp_path / f"annual.{fmt}")])
        assert result.exit_code == 0, result.output
        assert (tmp_path / f"annual.{fmt}").stat().st_size > 5000

    # the Word file, opened by LibreOffice: to PDF, then to PNG pages (kept as artifacts)
    pdf = tmp_path / "from-word.pdf"
    pdf.write_bytes(docx_to_pdf((tmp_path / "annual.docx").read_bytes()))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "2023年度节能减排目标完成情况报告" in text.replace(" ", "") and "示例数据" in text
    assert "一、主要目标完成情况" in text.replace(" ", "")
    prefix = _artifacts() / "annual-docx"
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "2", str(pdf), str(prefix)], check=True)
    assert sorted(_artifacts().glob("annual-docx-*.png"))

    # the PDF written by `ecer report`: every CJK font embedded
    listing = subprocess.run(["pdffonts", str(tmp_path / "annual.pdf")], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    fonts = {line.split()[0].split("+")[-1]: line.split() for line in listing}
    for family in CJK_FONTS:
        rows = [cols for name, cols in fonts.items() if name.startswith(family)]
        assert rows, f"{family} not in the PDF: {listing}"
        assert all(cols[-5] == "yes" for cols in rows), f"{family} is not embedded: {rows}"
