"""Fixtures: a migrated registry database per session, and gateway subprocesses per test."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from gwtools import REPO, GatewayDb, GatewayProcess, free_port


@pytest.fixture(scope="session")
def gateway_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayDb]:
    home = tmp_path_factory.mktemp("gwdb")
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="ecer.site.settings", ECER_DATA_DIR=str(home),
               PYTHONPATH=str(REPO / "src"))
    url = os.environ.get("ECER_DATABASE_URL", "")
    dbname = None
    if url.startswith("postgres"):
        import psycopg

        dbname = f"ecer_gw_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')
        env["ECER_DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + dbname
    else:
        env["ECER_DATABASE_URL"] = f"sqlite:///{home / 'registry.sqlite3'}"
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v0"], env=env, check=True, timeout=300)
    yield GatewayDb(env)
    if dbname:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


@pytest.fixture
def gateway(gateway_db: GatewayDb, tmp_path: Path) -> Iterator[callable]:  # type: ignore[valid-type]
    started: list[GatewayProcess] = []

    def start(*args: str, data_dir: Path | None = None, port: int | None = None) -> GatewayProcess:
        gw = GatewayProcess(gateway_db, data_dir or tmp_path / "data", port or free_port(), list(args)).start()
        started.append(gw)
        return gw

    yield start
    for gw in started:
        if gw.proc is not None and gw.proc.poll() is None:
            gw.proc.kill()
            gw.proc.wait()


