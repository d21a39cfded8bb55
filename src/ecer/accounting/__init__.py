"""Accounting service: reads targets and current observations, calls `ecer.core`, returns report rows."""

from ecer.accounting.options import AccountingOptions
from ecer.accounting.report import ProgressReport, ReportRow
from ecer.accounting.service import find_row, progress_report, resolve_region

__all__ = ["AccountingOptions", "ProgressReport", "ReportRow", "find_row", "progress_report", "resolve_region"]
