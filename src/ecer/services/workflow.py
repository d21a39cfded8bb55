"""The review workflow's states and steps, shared by every record that is reviewed before it counts:
statistics submissions (`ecer.services.submissions`) and key-project ledger proposals
(`ecer.services.ledger_proposals`).

    draft ──submit──▶ submitted ──return (with a comment)──▶ returned
                                └─approve──────────────────▶ approved

A draft is the only editable state; submitted, returned and approved records are frozen. A record
in the workflow has `status`, `submitted_by`/`submitted_at` and `decided_by`/`decided_at` fields;
`move` checks the step against this table and sets them. Who may take a step, and what a step
writes besides the state, is the calling service's business.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from ecer.collection.models import SubmissionStatus
from ecer.services.actor import Actor

DRAFT, SUBMITTED, RETURNED, APPROVED = (SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED,
                                        SubmissionStatus.RETURNED, SubmissionStatus.APPROVED)
#: step → (the states it starts from, the state it leads to, the field pair it stamps)
STEPS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "submit": ((DRAFT,), SUBMITTED, "submitted"),
    "return": ((SUBMITTED,), RETURNED, "decided"),
    "approve": ((SUBMITTED,), APPROVED, "decided"),
}
#: the states waiting for somebody (the maker: draft; a reviewer: submitted)
OPEN = (DRAFT, SUBMITTED)


class WorkflowError(ValueError):
    """A step that the record's state does not allow."""


def require_status(status: str, what: str, allowed: tuple[str, ...], error: type[ValueError] = WorkflowError) -> None:
    """Refuse (`error`) unless `status` is one of `allowed`; `what` names the record in the message."""
    if status not in allowed:
        raise error(f"{what} is {status}; this needs {' or '.join(allowed)}")


def move(record: Any, step: str, actor: Actor, what: str, error: type[ValueError] = WorkflowError) -> list[str]:
    """Take `step` on `record` (not saved): check its state, set the new one and stamp who and when.
    Returns the changed field names, for `save(update_fields=…)`."""
    starts, target, stamp = STEPS[step]
    require_status(record.status, what, starts, error)
    record.status = target
    setattr(record, f"{stamp}_by", actor.username)
    setattr(record, f"{stamp}_at", timezone.now())
    return ["status", f"{stamp}_by", f"{stamp}_at"]
