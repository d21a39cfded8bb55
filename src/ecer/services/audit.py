"""Use case: the audit log (审计日志) — record an action, read the log, verify its hash chain.

Every service that changes data calls `record(...)` inside the same transaction as the change, so a
change and its audit entry are stored together or not at all. Reading the log and verifying it is for
auditors and the province's administrators (`AUDIT_READERS`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ecer.audit.chain import GENESIS, ChainReport, StoredEntry, canonical_json, check_chain, entry_hash
from ecer.services.actor import Actor, Role, require_role

#: Who may read and verify the audit log.
AUDIT_READERS = (Role.AUDITOR, Role.PROVINCE_ADMIN)
#: Entries read per database round trip while verifying.
VERIFY_CHUNK = 5000


@dataclass(frozen=True)
class AuditRecorded:
    seq: int
    hash: str
    at: dt.datetime


def _jsonable(value: dict[str, Any] | None) -> Any:
    # What is stored (and later re-hashed) is exactly the canonical text of the value.
    return json.loads(canonical_json(value))


def record(actor: Actor, action: str, obj_type: str, obj_id: str, before: dict[str, Any] | None,
           after: dict[str, Any] | None, source_ip: str | None = None) -> AuditRecorded:
    """Append one entry: `actor` did `action` (e.g. "submission.approve") to `obj_type`:`obj_id`,
    changing `before` into `after` (None: the record did not exist / no longer exists).

    `source_ip` defaults to the actor's `source` (`cli:user@host` for the CLI), else the address of the
    web request being served (`ecer.services.origin`, set by middleware), whose user agent is kept too.
    Call it inside the transaction of the change it describes. Entries are serialised through the head
    row (SELECT … FOR UPDATE), so concurrent writers never fork the chain."""
    from django.db import transaction
    from django.utils import timezone

    from ecer.audit.models import AuditEntry, AuditHead
    from ecer.services.origin import current_origin

    origin = current_origin()
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditHead.objects.create(pk=1, seq=0, hash=GENESIS)
        fields = {
            "seq": head.seq + 1,
            "at": timezone.now().astimezone(dt.UTC).isoformat(),
            "username": actor.username,
            "role": str(actor.role),
            "user_id": actor.user_id,
            "action": action,
            "obj_type": obj_type,
            "obj_id": str(obj_id),
            "before": _jsonable(before),
            "after": _jsonable(after),
            "source": (source_ip if source_ip is not None else actor.source) or origin.address,
            "user_agent": origin.user_agent,
        }
        digest = entry_hash(head.hash, fields)
        entry = AuditEntry.objects.create(
            seq=fields["seq"], at=dt.datetime.fromisoformat(fields["at"]), username=fields["username"],
            role=fields["role"], user_id=fields["user_id"], action=action, obj_type=obj_type,
            obj_id=fields["obj_id"], before_json=canonical_json(fields["before"]),
            after_json=canonical_json(fields["after"]), source=fields["source"], user_agent=origin.user_agent or None, prev_hash=head.hash, hash=digest)
        AuditHead.objects.filter(pk=1).update(seq=entry.seq, hash=digest)
    return AuditRecorded(entry.seq, digest, entry.at)


def _stored(row: tuple[Any, ...]) -> StoredEntry:
    (row_id, seq, at, username, role, user_id, action, obj_type, obj_id, before, after, source,
     user_agent, prev_hash, digest) = row
    try:
        before_value, after_value = json.loads(before), json.loads(after)
    except ValueError:  # hand-edited into invalid JSON: hash the raw text, which cannot match
        before_value, after_value = before, after
    fields = {"seq": seq, "at": at.astimezone(dt.UTC).isoformat(), "username": username, "role": role,
              "user_id": user_id, "action": action, "obj_type": obj_type, "obj_id": obj_id,
              "before": before_value, "after": after_value, "source": source, "user_agent": user_agent or ""}
    return StoredEntry(fields, prev_hash, digest, row_id)


def _stored_entries() -> Iterator[StoredEntry]:
    from ecer.audit.models import AuditEntry

    columns = ("id", "seq", "at", "username", "role", "user_id", "action", "obj_type", "obj_id", "before_json",
               "after_json", "source", "user_agent", "prev_hash", "hash")
    rows = AuditEntry.objects.order_by("seq", "id").values_list(*columns)
    for row in rows.iterator(chunk_size=VERIFY_CHUNK):
        yield _stored(row)


def parse_head(text: str) -> tuple[int, str]:
    """'SEQ:HASH' (as `ecer audit verify` prints it) → (seq, hash)."""
    seq, sep, digest = text.strip().partition(":")
    if not sep or not seq.isdigit() or len(digest) != 64:
        raise ValueError(f"expected SEQ:HASH (e.g. 42:{'ab' * 32}), got {text!r}")
    return int(seq), digest.lower()


def verify(*, actor: Actor, expect_head: tuple[int, str] | None = None) -> ChainReport:
    """Recompute the whole chain. Problems name the entry (sequence number and row id) and what is
    wrong: edited content, a broken link (removed or moved entry), a gap, a head that does not match.
    `expect_head` (a head noted earlier, outside the database) must be on the chain and no later
    than its end."""
    from ecer.audit.chain import ChainProblem
    from ecer.audit.models import AuditHead

    require_role(actor, *AUDIT_READERS)
    head = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first()
    seen: dict[int, str] = {}

    def remembering() -> Iterator[StoredEntry]:
        for entry in _stored_entries():
            if expect_head is not None and entry.fields["seq"] == expect_head[0]:
                seen[expect_head[0]] = entry.hash
            yield entry

    report = check_chain(remembering(), head)
    if expect_head is not None and seen.get(expect_head[0]) != expect_head[1]:
        found = seen.get(expect_head[0])
        why = "is missing" if found is None else f"has hash {found[:12]}…"
        report.problems.append(ChainProblem(expect_head[0], None, f"the expected head entry {why}, "
                                                                  f"expected {expect_head[1][:12]}…"))
    return report


@dataclass(frozen=True)
class EntryPage:
    total: int
    offset: int
    limit: int
    rows: list[dict[str, Any]]


def _changes(before: Any, after: Any) -> list[dict[str, Any]]:
    if not isinstance(before, dict) and not isinstance(after, dict):
        return []
    old, new = before if isinstance(before, dict) else {}, after if isinstance(after, dict) else {}
    return [{"field": k, "before": old.get(k), "after": new.get(k)}
            for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]


def _row(e: Any) -> dict[str, Any]:
    before, after = e.before, e.after
    return {"seq": e.seq, "at": e.at, "username": e.username, "role": e.role, "action": e.action,
            "obj_type": e.obj_type, "obj_id": e.obj_id, "before": before, "after": after, "source": e.source,
            "user_agent": e.user_agent or "", "hash": e.hash, "changes": _changes(before, after)}


def entries(*, actor: Actor, obj_type: str | None = None, obj_id: str | None = None, username: str | None = None,
            action: str | None = None, offset: int = 0, limit: int = 50) -> EntryPage:
    """The log newest first, optionally filtered (exact matches), one page at a time."""
    from ecer.audit.models import AuditEntry

    require_role(actor, *AUDIT_READERS)
    qs = AuditEntry.objects.all()
    for field, value in (("obj_type", obj_type), ("obj_id", obj_id), ("username", username), ("action", action)):
        if value:
            qs = qs.filter(**{field: value})
    offset, limit = max(0, offset), max(1, min(limit, 500))
    return EntryPage(qs.count(), offset, limit, [_row(e) for e in qs.order_by("-seq")[offset:offset + limit]])


def entries_for(obj_type: str, obj_id: str, *, actor: Actor) -> list[dict[str, Any]]:
    """Every entry about one record, oldest first (for a record's history)."""
    from ecer.audit.models import AuditEntry

    require_role(actor, *AUDIT_READERS)
    return [_row(e) for e in AuditEntry.objects.filter(obj_type=obj_type, obj_id=str(obj_id)).order_by("seq")]
