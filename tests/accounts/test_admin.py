"""The Django admin never edits or deletes approved data, and records the status moves it may make."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from ecer.audit.models import AuditEntry
from ecer.masterdata.models import ImportBatch, Observation, Region, Variable
from ecer.masterdata.services.observations import record_observation


@pytest.fixture
def admin_client(province: User) -> Client:
    client = Client()
    client.force_login(province)
    return client


def _obs(status: str) -> Observation:
    return record_observation(Region.objects.get(code="510800"), 2023, Variable.objects.get(code="energy_total"),
                              510.0, status=status).observation


def test_approved_observation_cannot_be_deleted_or_changed(admin_client: Client) -> None:
    obs = _obs("approved")
    url = f"/admin/masterdata/observation/{obs.pk}/"
    assert admin_client.post(url + "delete/", {"post": "yes"}).status_code == 403
    assert admin_client.post(url + "change/", {"status": "rejected"}).status_code == 403
    listing = admin_client.get("/admin/masterdata/observation/").content.decode()
    assert "delete_selected" not in listing
    bulk = admin_client.post("/admin/masterdata/observation/", {"action": "delete_selected",
                                                                "_selected_action": [obs.pk], "post": "yes"})
    assert bulk.status_code in (200, 302)
    obs.refresh_from_db()
    assert obs.status == "approved" and Observation.objects.filter(pk=obs.pk).exists()


def test_submitted_status_move_is_audited(admin_client: Client) -> None:
    obs = _obs("submitted")
    response = admin_client.post(f"/admin/masterdata/observation/{obs.pk}/change/", {"status": "approved"})
    assert response.status_code == 302, response.content.decode()[:2000]
    obs.refresh_from_db()
    assert obs.status == "approved"
    entry = AuditEntry.objects.get(obj_type="observation", obj_id=str(obs.pk))
    assert entry.username == "province" and entry.before == {"status": "submitted"}
    assert entry.after == {"status": "approved"} and entry.source == "127.0.0.1"
    # and now it is final
    assert admin_client.post(f"/admin/masterdata/observation/{obs.pk}/change/",
                             {"status": "rejected"}).status_code == 403


def test_batches_and_users_are_not_deletable(admin_client: Client, province: User) -> None:
    batch = ImportBatch.objects.create(file_name="x.csv", sha256="0" * 64, row_count=0)
    assert admin_client.post(f"/admin/masterdata/importbatch/{batch.pk}/delete/", {"post": "yes"}).status_code == 403
    guangyuan = User.objects.get(username="guangyuan")
    root = Client()
    root.force_login(User.objects.create_superuser("root", password="root-password-long"))
    assert root.get(f"/admin/auth/user/{guangyuan.pk}/change/").status_code == 200  # may edit, not delete
    assert root.post(f"/admin/auth/user/{guangyuan.pk}/delete/", {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=guangyuan.pk).exists() and ImportBatch.objects.filter(pk=batch.pk).exists()
