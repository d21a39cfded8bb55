"""Use case: verification findings become cases a reviewer resolves, on record (issue 12 item 3).

`ecer.core.verification` computes findings over the whole ledger; this module keeps one persistent
`FindingCase` per finding identity — kind, source, pollutant and the claims involved — and a
reviewer resolves it: **confirmed** (the named claims are rejected: taken out of the totals) or
**dismissed** (with a reason). Every creation, update, decision, reopening and auto-resolution is in
the audit log (`key_projects.case.*`, object `key_project_case:<id>`).

Re-running verification (`sync`: after every approved ledger change, and on demand by a reviewer,
`run_verification`) never duplicates a case. The rule, per identity (docs/key-projects.md § Cases):

- a finding with no case → a new **open** case;
- an open case whose finding is raised again → its amount and explanation are updated; it stays open;
- a resolved case (confirmed or dismissed) whose finding is raised with the same amount (within
  `VerificationOptions.rounding_t`) → stays resolved; with a different amount → **reopened** (the
  earlier decision is kept in its history), because the reviewer decided on other figures;
- a case whose finding is no longer raised (the ledger was corrected, a proposal approved) →
  **resolved by itself** (`gone`), also a confirmed one: with the finding gone there is nothing
  left to reject; a finding raised again later reopens it.

Totals (`ecer.services.key_projects.ledger`): the claims a confirmed case rejects are excluded (the
project's reduction of that pollutant counts 0 in every year). Open cases are counted by default and
the amount they involve is shown beside each total; the setting `ECER_OPEN_CASES_IN_TOTALS = "exclude"`
leaves their claims out too.

Who: a province reviewer or the province administrator resolves cases and re-runs verification
(a city's own claims count toward its target); everybody reads the cases that involve a project they
may see.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from ecer.services.actor import Actor, Role, require_role
from ecer.services.case_effects import OPEN_CASES_SETTING, identity, open_cases_mode

__all__ = ["OPEN_CASES_SETTING", "identity", "open_cases_mode"]
from ecer.services.errors import NotFound, ServiceError

RESOLVERS = (Role.PROVINCE_REVIEWER, Role.PROVINCE_ADMIN)
DECISIONS = ("confirmed", "dismissed")


class CaseError(ServiceError):
    """A decision the case's state does not allow, or one without what it needs (reason, claims)."""


@dataclass(frozen=True)
class SyncResult:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    reopened: list[int] = field(default_factory=list)
    auto_resolved: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class CaseView:
    id: int
    kind: str
    kind_name: str
    source: str
    pollutant: str
    projects: list[str]
    claims: list[str]
    amount_t: float
    explanation: str
    status: str
    decision: str
    reason: str
    rejected_claims: list[str]
    decided_by: str
    decided_at: dt.datetime | None
    opened_at: dt.datetime
    last_seen_at: dt.datetime | None
    reopened: int
    history: list[dict[str, Any]]
    may_resolve: bool = False


def _key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _rounding() -> float:
    from ecer.core.verification import VerificationOptions

    return VerificationOptions().rounding_t


def _state(c: Any) -> dict[str, Any]:
    return {"identity": c.identity, "status": c.status, "decision": c.decision, "reason": c.reason,
            "amount_t": round(c.amount_t, 6), "rejected_claims": c.rejected_claims}


def _audit(actor: Actor, action: str, c: Any, before: dict[str, Any] | None) -> None:
    from ecer.services.audit import record

    record(actor, f"key_projects.case.{action}", "key_project_case", str(c.pk), before, _state(c))


def sync(*, actor: Actor, as_of: dt.date | None = None) -> SyncResult:
    """Bring the cases in line with the findings of the ledger as it is now (call inside a transaction,
    e.g. the approval of a ledger change). The rule is the module's."""
    from ecer.projects.models import CaseDecision, CaseStatus, FindingCase
    from ecer.services.key_projects import verification

    now = timezone.now()
    result = SyncResult()
    raised = {}
    for f in verification(as_of=as_of):
        text = identity(f.kind.value, f.source, f.pollutant, f.claims)
        raised[_key(text)] = (text, f)
    cases = {c.key: c for c in FindingCase.objects.select_for_update().filter(key__in=list(raised))}
    for key, (text, f) in raised.items():
        case = cases.get(key)
        figures = {"amount_t": f.amount_t, "explanation_zh": f.explanation_zh, "explanation_en": f.explanation_en,
                   "projects": list(f.projects), "last_seen_at": now}
        if case is None:
            case = FindingCase.objects.create(key=key, identity=text, kind=f.kind.value, source=f.source,
                                              pollutant=f.pollutant, claims=sorted(f.claims), **figures)
            _audit(actor, "open", case, None)
            result.created.append(case.pk)
            continue
        before = _state(case)
        same = abs(case.amount_t - f.amount_t) <= _rounding()
        if case.status == CaseStatus.OPEN:
            for k, v in figures.items():
                setattr(case, k, v)
            case.save()
            (result.unchanged if same else result.updated).append(case.pk)
            if not same:
                _audit(actor, "update", case, before)
            continue
        if case.decision != CaseDecision.GONE and same:
            case.last_seen_at = now
            case.save(update_fields=["last_seen_at"])
            result.unchanged.append(case.pk)
            continue
        why = "the finding is raised again" if case.decision == CaseDecision.GONE else (
            f"the amount changed from {case.amount_t:.3f} t to {f.amount_t:.3f} t")
        case.history = [*case.history, {"at": now.isoformat(), "by": actor.username, "event": "reopened",
                                        "decision": case.decision, "reason": case.reason,
                                        "decided_by": case.decided_by, "amount_t": case.amount_t, "why": why}]
        for k, v in figures.items():
            setattr(case, k, v)
        case.status, case.decision, case.reason, case.rejected_claims = CaseStatus.OPEN, "", "", []
        case.decided_by, case.decided_at, case.reopened = "", None, case.reopened + 1
        case.save()
        _audit(actor, "reopen", case, before)
        result.reopened.append(case.pk)
    for case in FindingCase.objects.select_for_update().exclude(key__in=list(raised)).exclude(
            decision=CaseDecision.GONE):
        before = _state(case)
        case.history = [*case.history, {"at": now.isoformat(), "by": actor.username, "event": "gone",
                                        "decision": case.decision, "reason": case.reason,
                                        "decided_by": case.decided_by, "amount_t": case.amount_t,
                                        "why": "the finding is no longer raised"}]
        case.status, case.decision, case.rejected_claims = CaseStatus.RESOLVED, CaseDecision.GONE, []
        case.reason = "核查不再提示该问题 / the finding is no longer raised"
        case.decided_by, case.decided_at = actor.username, now
        case.save()
        _audit(actor, "auto_resolve", case, before)
        result.auto_resolved.append(case.pk)
    return result


def run_verification(*, actor: Actor) -> SyncResult:
    """Re-run verification over the whole ledger now and update the cases (province reviewers)."""
    require_role(actor, *RESOLVERS)
    with transaction.atomic():
        return sync(actor=actor)


# --- reading -----------------------------------------------------------------------------------------

def _visible_codes(actor: Actor) -> set[str]:
    from ecer.services.actor import is_anonymous
    from ecer.services.key_projects import _scoped

    return set() if is_anonymous(actor) else set(_scoped(actor).values_list("code", flat=True))


def _view(actor: Actor, c: Any, lang: str) -> CaseView:
    from ecer.services.key_projects import KIND_NAMES_EN, KIND_NAMES_ZH

    kinds = {k.value: (KIND_NAMES_EN[k] if lang == "en" else KIND_NAMES_ZH[k]) for k in KIND_NAMES_ZH}
    return CaseView(c.pk, c.kind, kinds.get(c.kind, c.kind), c.source, c.pollutant, list(c.projects), list(c.claims),
                    c.amount_t, c.explanation_en if lang == "en" else c.explanation_zh, c.status, c.decision, c.reason,
                    list(c.rejected_claims), c.decided_by, c.decided_at, c.opened_at, c.last_seen_at, c.reopened,
                    list(c.history), c.status == "open" and actor.role in (*RESOLVERS, Role.SYSTEM))


def list_cases(*, actor: Actor, status: str | None = None, project: str | None = None,
               lang: str = "zh") -> list[CaseView]:
    """The cases that involve a project the actor may see (open first)."""
    from ecer.projects.models import FindingCase

    visible = _visible_codes(actor)
    qs = FindingCase.objects.all()
    if status:
        qs = qs.filter(status=status)
    out = [c for c in qs.order_by("-status", "kind", "pk") if visible & set(c.projects)]
    if project:
        out = [c for c in out if project in c.projects]
    return [_view(actor, c, lang) for c in out]


def _readable(actor: Actor, case_id: int | str) -> Any:
    from ecer.projects.models import FindingCase

    try:
        pk = int(case_id)
    except (TypeError, ValueError):
        pk = -1
    case = FindingCase.objects.filter(pk=pk).first()
    if case is None or not (_visible_codes(actor) & set(case.projects)):
        raise NotFound(f"no verification case {case_id} visible to {actor.username}")
    return case


def get_case(case_id: int | str, *, actor: Actor, lang: str = "zh") -> CaseView:
    return _view(actor, _readable(actor, case_id), lang)


def resolve(case_id: int | str, *, actor: Actor, decision: str, reason: str,
            rejected_claims: list[str] | None = None, lang: str = "zh") -> CaseView:
    """Resolve an open case: `confirmed` rejects the named claims (default: all of the case's), which
    the totals then leave out; `dismissed` keeps them. A reason is required for either."""
    from ecer.projects.models import FindingCase

    require_role(actor, *RESOLVERS)
    case = _readable(actor, case_id)
    if decision not in DECISIONS:
        raise CaseError(f"decision must be one of {', '.join(DECISIONS)}, not '{decision}'")
    if not reason.strip():
        raise CaseError("a decision needs a reason (it is kept on record)")
    rejected: list[str] = []
    if decision == "confirmed":
        rejected = sorted(set(rejected_claims or case.claims))
        unknown = sorted(set(rejected) - set(case.claims))
        if unknown:
            raise CaseError(f"not claims of case #{case.pk}: {', '.join(unknown)} (its claims: "
                            f"{', '.join(case.claims)})")
    with transaction.atomic():
        case = FindingCase.objects.select_for_update().get(pk=case.pk)
        if case.status != "open":
            raise CaseError(f"case #{case.pk} is {case.status} ({case.decision}); only an open case is decided")
        before = _state(case)
        case.status, case.decision, case.reason, case.rejected_claims = "resolved", decision, reason.strip(), rejected
        case.decided_by, case.decided_at = actor.username, timezone.now()
        case.save()
        _audit(actor, "resolve", case, before)
    return _view(actor, case, lang)
