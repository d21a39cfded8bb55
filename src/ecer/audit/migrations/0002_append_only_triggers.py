"""Database triggers that refuse to change or remove audit entries.

PostgreSQL: UPDATE and DELETE are refused (TRUNCATE, used by Django's test flush and `ecer demo
--reset`, empties the whole log and its head together). SQLite: UPDATE only, because Django's flush
on SQLite deletes rows one table at a time. Anyone who drops a trigger can still edit rows; the hash
chain then shows it (`ecer audit verify`).
"""

from django.db import migrations

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION ecer_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only (%)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
PG_TRIGGER = """
CREATE TRIGGER audit_auditentry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
FOR EACH ROW EXECUTE FUNCTION ecer_audit_append_only();
"""
SQLITE_TRIGGER = """
CREATE TRIGGER audit_auditentry_append_only BEFORE UPDATE ON audit_auditentry
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only (UPDATE)'); END;
"""


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
        schema_editor.execute(PG_TRIGGER)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry")
        schema_editor.execute("DROP FUNCTION IF EXISTS ecer_audit_append_only()")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_auditentry_append_only")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
