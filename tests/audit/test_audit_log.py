"""The audit log in the database: record, read, and `ecer audit verify` against hand edits in raw SQL
(the edits an owner of the database could make, after disabling the append-only trigger)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.db import connection, transaction

from ecer.audit.models import AppendOnlyViolation, AuditEntry
from ecer.cli.main import cli
from ecer.services.actor import Actor, PermissionDenied, Role, system_actor
from ecer.services.audit import entries, record, verify

CITY = Actor("guangyuan", Role.CITY_OPERATOR, "510800", frozenset({"510800"}), user_id=7, source="10.0.0.8")
AUDITOR = Actor("auditor", Role.AUDITOR)


def _three() -> None:
    record(CITY, "submission.create", "submission", "1", None, {"status": "draft", "value": 1.5})
    record(CITY, "submission.submit", "submission", "1", {"status": "draft"}, {"status": "submitted"})
    record(system_actor(), "observation.approve", "observation", "9", {"status": "submitted"},
           {"status": "approved"}, source_ip="127.0.0.1")


def _raw(sql: str, params: list[object] | None = None) -> None:
    """Run SQL as the table owner would, past the append-only trigger."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_auditentry_append_only")
        else:
            cur.execute("DROP TRIGGER IF EXISTS audit_auditentry_append_only")
        cur.execute(sql, params or [])


def _verify_cli() -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["audit", "verify"])
    return result.exit_code, result.output


@pytest.mark.django_db
def test_entries_link_and_keep_who_what_where() -> None:
    _three()
    rows = list(AuditEntry.objects.order_by("seq"))
    assert [r.seq for r in rows] == [1, 2, 3]
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    assert (rows[0].username, rows[0].role, rows[0].user_id, rows[0].source) == ("guangyuan", "city_operator", 7,
                                                                                   "10.0.0.8")
    assert rows[2].source == "127.0.0.1" and rows[1].before == {"status": "draft"}
    assert verify(actor=AUDITOR).ok
    page = entries(actor=AUDITOR, obj_type="submission")
    assert page.total == 2 and page.rows[0]["action"] == "submission.submit"
    assert page.rows[0]["changes"] == [{"field": "status", "before": "draft", "after": "submitted"}]


@pytest.mark.django_db
def test_entry_is_rolled_back_with_the_change_it_describes() -> None:
    _three()
    with pytest.raises(RuntimeError), transaction.atomic():
        record(CITY, "submission.submit", "submission", "2", None, {"status": "submitted"})
        raise RuntimeError("the change failed")
    assert AuditEntry.objects.count() == 3
    record(CITY, "submission.submit", "submission", "2", None, {"status": "submitted"})
    assert verify(actor=AUDITOR).ok and AuditEntry.objects.get(obj_id="2").seq == 4


@pytest.mark.django_db
def test_orm_and_trigger_refuse_changes() -> None:
    _three()
    entry = AuditEntry.objects.get(seq=2)
    with pytest.raises(AppendOnlyViolation):
        entry.save()
    with pytest.raises(AppendOnlyViolation):
        entry.delete()
    with pytest.raises(AppendOnlyViolation):
        AuditEntry.objects.filter(seq=2).update(username="x")
    with pytest.raises(AppendOnlyViolation):
        AuditEntry.objects.all().delete()
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE audit_auditentry SET username = 'someone else' WHERE seq = 2")
    assert AuditEntry.objects.get(seq=2).username == "guangyuan"


@pytest.mark.django_db
def test_only_auditors_and_province_admins_read_the_log() -> None:
    _three()
    for actor in (CITY, Actor("r", Role.PROVINCE_REVIEWER), Actor("e", Role.ENTERPRISE_REPORTER)):
        with pytest.raises(PermissionDenied):
            entries(actor=actor)
        with pytest.raises(PermissionDenied):
            verify(actor=actor)
    assert entries(actor=Actor("p", Role.PROVINCE_ADMIN)).total == 3


@pytest.mark.django_db
def test_cli_verify_intact_then_detects_a_hand_edited_row() -> None:
    _three()
    code, out = _verify_cli()
    assert code == 0 and "3 entries" in out and "chain intact" in out
    _raw("UPDATE audit_auditentry SET after_json = %s WHERE seq = 2", ['{"status":"approved"}'])
    code, out = _verify_cli()
    assert code == 1 and "chain BROKEN" in out
    assert "entry #2" in out and "edited" in out and "entry #1" not in out and "entry #3" not in out


@pytest.mark.django_db
@pytest.mark.parametrize("field,value", [("username", "province"), ("source", "192.0.2.1"), ("obj_id", "2"),
                                         ("action", "submission.approve")])
def test_any_edited_column_is_detected(field: str, value: str) -> None:
    _three()
    _raw(f"UPDATE audit_auditentry SET {field} = %s WHERE seq = 1", [value])
    report = verify(actor=AUDITOR)
    assert [(p.seq, "edited" in p.problem) for p in report.problems] == [(1, True)]


@pytest.mark.django_db
def test_removed_row_is_detected() -> None:
    _three()
    _raw("DELETE FROM audit_auditentry WHERE seq = 2")
    code, out = _verify_cli()
    assert code == 1 and "entry #3" in out and "removed" in out


@pytest.mark.django_db
def test_removed_last_row_is_detected_by_the_head() -> None:
    _three()
    _raw("DELETE FROM audit_auditentry WHERE seq = 3")
    code, out = _verify_cli()
    assert code == 1 and "head records 3 entries" in out and "2 ending" in out


@pytest.mark.django_db
def test_reordered_rows_are_detected() -> None:
    _three()
    _raw("UPDATE audit_auditentry SET seq = 1000 WHERE seq = 1")
    _raw("UPDATE audit_auditentry SET seq = 1 WHERE seq = 2")
    _raw("UPDATE audit_auditentry SET seq = 2 WHERE seq = 1000")
    report = verify(actor=AUDITOR)
    assert not report.ok and {p.seq for p in report.problems} >= {1, 2}


@pytest.mark.django_db
def test_expected_head_noted_earlier_must_still_be_on_the_chain() -> None:
    _three()
    head = AuditEntry.objects.get(seq=3)
    assert CliRunner().invoke(cli, ["audit", "verify", "--expect-head", f"3:{head.hash}"]).exit_code == 0
    wrong = CliRunner().invoke(cli, ["audit", "verify", "--expect-head", f"3:{'0' * 64}"])
    assert wrong.exit_code == 1 and "expected head entry has hash" in wrong.output
    bad = CliRunner().invoke(cli, ["audit", "verify", "--expect-head", "three"])
    assert bad.exit_code == 2 and "SEQ:HASH" in bad.output


@pytest.mark.django_db
def test_cli_list_and_named_account_scope(django_user_model: object) -> None:
    from ecer.masterdata.services.accounts import ensure_demo_accounts
    from ecer.masterdata.services.catalogs import load_catalogs

    load_catalogs()
    ensure_demo_accounts()
    _three()
    listed = CliRunner().invoke(cli, ["audit", "list", "--user", "auditor"])
    assert listed.exit_code == 0 and "3 entries" in listed.output and "submission.submit" in listed.output
    refused = CliRunner().invoke(cli, ["audit", "list", "--user", "guangyuan"])
    assert refused.exit_code == 1 and "not allowed" in refused.output
    unknown = CliRunner().invoke(cli, ["audit", "verify", "--user", "nobody"])
    assert unknown.exit_code == 2 and "no active user named 'nobody'" in unknown.output
