"""Device PWs are stored hashed; the migration hashes PWs stored in clear text before it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ecer.monitoring.secrets import hash_secret, is_hashed, verify_secret


def test_hash_and_verify() -> None:
    encoded = hash_secret("123456")
    assert is_hashed(encoded) and "123456" not in encoded
    assert verify_secret("123456", encoded) and not verify_secret("123457", encoded)
    assert not verify_secret(None, encoded) and not verify_secret("123456", "123456")  # clear text never matches
    assert hash_secret("123456") != encoded  # salted


@pytest.mark.django_db(transaction=True)
def test_migration_hashes_existing_clear_text_pws() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("monitoring", "0001_initial")])
    old = executor.loader.project_state([("monitoring", "0001_initial")]).apps
    enterprise = old.get_model("monitoring", "Enterprise").objects.create(
        name="示例", credit_code="91510000MIGRATE01", region_code="510100")
    point = old.get_model("monitoring", "MonitoringPoint").objects.create(
        enterprise=enterprise, outlet_code="DW001", outlet_name="总排口", kind="water")
    old.get_model("monitoring", "Device").objects.create(mn="MIGRATE0001", pw="654321", point=point)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    from ecer.monitoring.models import Device

    device = Device.objects.get(mn="MIGRATE0001")
    assert is_hashed(device.pw_hash) and "654321" not in device.pw_hash
    assert device.check_pw("654321") and not device.check_pw("123456")
    device.delete()
