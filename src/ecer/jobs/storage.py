"""Where jobs keep files: ECER_DATA_DIR/jobs/<job id>/ (uploads waiting to be read, results)."""

from __future__ import annotations

from pathlib import Path

from ecer import config


def jobs_root() -> Path:
    return config.data_dir() / "jobs"


def job_directory(job_id: str) -> Path:
    return jobs_root() / job_id
