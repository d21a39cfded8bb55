"""The web log is shared by several gunicorn workers: rotation must lose no line and keep the size bound."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

WRITER = """
import logging, sys
from ecer.site.logconfig import SharedRotatingFileHandler
handler = SharedRotatingFileHandler(sys.argv[1], max_bytes=20_000, backup_count=80)
handler.setFormatter(logging.Formatter("%(message)s"))
log = logging.getLogger("w"); log.addHandler(handler); log.setLevel(logging.INFO)
for i in range(int(sys.argv[3])):
    log.info("%s line %06d %s", sys.argv[2], i, "x" * 40)
"""


def test_two_processes_rotate_one_log_without_losing_lines(tmp_path: Path) -> None:
    log = tmp_path / "ecer-web.log"
    lines_each = 4000
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(log), name, str(lines_each)])
               for name in ("A", "B")]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    files = [log, *sorted(tmp_path.glob("ecer-web.log.[0-9]*"))]
    assert len(files) > 10  # it did rotate, many times
    lines = [line for f in files for line in f.read_text().splitlines()]
    for name in ("A", "B"):
        mine = sorted(int(line.split()[2]) for line in lines if line.startswith(f"{name} line"))
        assert mine == list(range(lines_each)), f"{name}: {lines_each - len(set(mine))} lines lost"
    assert all(f.stat().st_size <= 20_000 for f in files)
    assert all(f.stat().st_mode & 0o777 == 0o600 for f in files)


def test_old_files_beyond_the_backup_count_are_deleted(tmp_path: Path) -> None:
    log = tmp_path / "ecer-web.log"
    subprocess.run([sys.executable, "-c", WRITER.replace("backup_count=80", "backup_count=3"), str(log), "A",
                    "3000"], check=True, timeout=120)
    assert sorted(p.name for p in tmp_path.glob("ecer-web.log*") if not p.name.endswith(".lock")) == [
        "ecer-web.log", "ecer-web.log.1", "ecer-web.log.2", "ecer-web.log.3"]
