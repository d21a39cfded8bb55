"""What the verification cases mean for the totals (read by `ecer.services.key_projects`; the cases
themselves are kept by `ecer.services.verification_cases`, which imports this module, never the
other way round).

- the claims a confirmed case rejects are left out of the totals;
- the claims of open cases are counted and shown apart (setting `ECER_OPEN_CASES_IN_TOTALS = "count"`,
  the default) or left out too (`"exclude"`). docs/key-projects.md § Cases.
"""

from __future__ import annotations

from typing import Any

from ecer.services.errors import ServiceError

OPEN_CASES_SETTING = "ECER_OPEN_CASES_IN_TOTALS"  # "count" (default) or "exclude"


def identity(kind: str, source: str, pollutant: str, claims: Any) -> str:
    """A finding's identity: one case per identity."""
    return f"{kind}|{source}|{pollutant}|{','.join(sorted(claims))}"


def open_cases_mode() -> str:
    from django.conf import settings

    mode = str(getattr(settings, OPEN_CASES_SETTING, "count"))
    if mode not in ("count", "exclude"):
        raise ServiceError(f"{OPEN_CASES_SETTING} must be 'count' or 'exclude', not '{mode}'")
    return mode


def _pairs(claims: Any) -> set[tuple[str, str]]:
    out = set()
    for claim in claims:
        project, _, pollutant = str(claim).partition("/")
        out.add((project, pollutant))
    return out


def claim_status() -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(project, pollutant) pairs: those rejected by confirmed cases (and, with the setting "exclude",
    those of open cases) — left out of the totals; and those involved in open cases."""
    from ecer.projects.models import FindingCase

    rejected: set[tuple[str, str]] = set()
    open_: set[tuple[str, str]] = set()
    for status, decision, claims, rejected_claims in FindingCase.objects.filter(
            status__in=("open", "resolved")).values_list("status", "decision", "claims", "rejected_claims"):
        if status == "open":
            open_ |= _pairs(claims)
        elif decision == "confirmed":
            rejected |= _pairs(rejected_claims)
    if open_cases_mode() == "exclude":
        rejected |= open_
    return rejected, open_ - rejected


def case_ids_by_identity() -> dict[str, tuple[int, str, str]]:
    """identity → (case id, status, decision), for linking findings to their cases."""
    from ecer.projects.models import FindingCase

    return {i: (pk, s, d) for pk, i, s, d in FindingCase.objects.values_list("pk", "identity", "status", "decision")}
