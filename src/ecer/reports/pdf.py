"""The report as PDF: the Word file laid out by LibreOffice (headless), so both have one layout; the
fonts are embedded (subset) by LibreOffice. The Fandol font directory is given to LibreOffice through
a private fontconfig file, so the fonts need not be registered system-wide."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ecer.reports.document import Document
from ecer.reports.docx import render_docx
from ecer.reports.fonts import check_fonts, font_dir

ENV_SOFFICE = "ECER_REPORT_SOFFICE"
#: Seconds LibreOffice may take for one document before the report fails.
CONVERT_TIMEOUT_S = 120


class ConverterMissing(RuntimeError):
    pass


def soffice() -> str:
    found = os.environ.get(ENV_SOFFICE) or shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise ConverterMissing("PDF reports need LibreOffice (soffice): install Debian's libreoffice-writer-nogui "
                               f"(scripts/ensure-report-tools.sh) or set {ENV_SOFFICE}")
    return found


def docx_to_pdf(docx: bytes) -> bytes:
    """Convert a Word file with LibreOffice in a private profile and fontconfig (no shared state)."""
    check_fonts()
    with tempfile.TemporaryDirectory(prefix="ecer-report-") as tmp:
        work = Path(tmp)
        (work / "report.docx").write_bytes(docx)
        conf = work / "fonts.conf"
        conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
                        f"<dir>{font_dir()}</dir><cachedir>{work / 'fc-cache'}</cachedir></fontconfig>",
                        encoding="utf-8")
        env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": str(work)}
        cmd = [soffice(), f"-env:UserInstallation=file://{work / 'profile'}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(work), str(work / "report.docx")]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=CONVERT_TIMEOUT_S, check=False)
        pdf = work / "report.pdf"
        if done.returncode != 0 or not pdf.is_file():
            raise RuntimeError(f"LibreOffice could not convert the report (exit {done.returncode}): "
                               f"{(done.stderr or done.stdout).strip()[:500]}")
        return pdf.read_bytes()


def render_pdf(document: Document) -> bytes:
    return docx_to_pdf(render_docx(document))
