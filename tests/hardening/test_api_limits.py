"""Every integer parameter of every API operation, given hostile numbers, answers 4xx, never 500."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

HOSTILE = ["99999999999999999999999", "-99999999999999999999999", "9223372036854775808", "1e309", "NaN",
           "0x10", "", "١٢٣"]


def test_observations_with_a_huge_year_is_400(province: User, client: Client) -> None:
    client.force_login(province)
    response = client.get("/api/observations", {"year": "99999999999999999999999"})
    assert response.status_code == 400
    assert response.json()["detail"][0]["loc"][-1] in {"year", 0}


def test_observations_with_a_good_year_still_work(province: User, client: Client) -> None:
    client.force_login(province)
    assert client.get("/api/observations", {"year": "2023"}).status_code == 200


def _integer_parameters(schema: dict) -> list[tuple[str, str, str]]:
    """(path, where, name) of every integer parameter of the GET operations in the OpenAPI schema."""
    found = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        for param in get.get("parameters", []):
            spec = param.get("schema", {})
            types = {spec.get("type"), spec.get("items", {}).get("type")}
            types |= {a.get("type") for a in spec.get("anyOf", [])}
            types |= {a.get("items", {}).get("type") for a in spec.get("anyOf", [])}
            if "integer" in types:
                found.append((path, param["in"], param["name"]))
    return found


def test_no_integer_parameter_can_cause_a_500(province: User, client: Client) -> None:
    client.force_login(province)
    schema = client.get("/api/openapi.json").json()
    params = _integer_parameters(schema)
    assert ("/api/observations", "query", "year") in params
    for path, where, name in params:
        for value in HOSTILE:
            if where == "path":
                url = re.sub(r"\{" + re.escape(name) + r"\}", value or "0", path)
                url = re.sub(r"\{[^}]+\}", "x", url)
                response = client.get(url)
            else:
                response = client.get(re.sub(r"\{[^}]+\}", "x", path), {name: value})
            assert response.status_code < 500, (path, name, value, response.content[:300])


@pytest.mark.parametrize("exc", ["overflow", "data"])
def test_database_range_errors_are_400_not_500(province: User, client: Client, monkeypatch, exc: str) -> None:
    """The net under the schemas: a value the database cannot store is the request's fault."""
    from django.db import DataError

    import ecer.masterdata.api as masterdata_api

    def boom(*args: object, **kwargs: object) -> None:
        raise OverflowError("Python int too large to convert to SQLite INTEGER") if exc == "overflow" \
            else DataError("integer out of range")

    monkeypatch.setattr(masterdata_api.observations, "current_values", boom)
    client.force_login(province)
    response = client.get("/api/observations")
    assert response.status_code == 400
    assert "out of the range" in response.json()["detail"]


def test_page_urls_with_huge_numbers_are_400_not_500(province: User, client: Client) -> None:
    from django.urls import get_resolver

    client.force_login(province)
    client.raise_request_exception = False
    huge = "99999999999999999999999"
    paths = [f"/data/batches/{huge}/", f"/data/observations/{huge}/", f"/decomposition/{huge}/",
             f"/why/510000/energy_intensity/{huge}/", f"/jobs/{huge}/"]
    known = {str(p.pattern) for p in get_resolver().url_patterns}
    assert known  # the URLs above exist in this version's URLconf or answer 404
    for path in paths:
        response = client.get(path)
        assert response.status_code in {400, 404}, (path, response.status_code)
