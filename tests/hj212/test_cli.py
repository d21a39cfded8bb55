from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from ecer.cli.main import cli
from ecer.hj212 import build_packet

from .samples import SAMPLES_TSV, load_samples


def capture(tmp_path: Path) -> Path:
    path = tmp_path / "capture.txt"
    path.write_bytes(b"\r\n".join(s.packet for s in load_samples()) + b"\r\n")
    return path


def test_json_counts_match_the_sample_verdicts(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["hj212", "parse", str(capture(tmp_path)), "--format", "json"])
    assert result.exit_code == 0, result.output
    expected = [s.expect for s in load_samples()]
    rejected = {r: expected.count(r) for r in set(expected) if r != "valid"}
    assert json.loads(result.output) == {"accepted": expected.count("valid"), "rejected": rejected}


def test_stream_mode_with_junk_and_rows(tmp_path: Path) -> None:
    split = [build_packet(qn="20250101000000001", st="31", cn="2061", mn="M", pw="p", flag=7, pnum=2, pno=n,
                          cp="DataTime=20250101000000;a21026-Avg=12.5,a21026-Flag=N" if n == 1 else "02-Avg=3")
             for n in (2, 1)]
    stream = tmp_path / "raw.bin"
    stream.write_bytes(b"\xff\x00probe" + split[0] + b"garbage##12" + split[1] + capture(tmp_path).read_bytes())
    rows_csv = tmp_path / "rows.csv"
    result = CliRunner().invoke(cli, ["hj212", "parse", str(stream), "--stream", "--rows", str(rows_csv),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["accepted"] == 2 + sum(s.expect == "valid" for s in load_samples())
    assert out["rejected"]["junk"] >= 1 and out["rejected"]["bad_header"] == 1
    with rows_csv.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    so2 = [r for r in rows if r["mn"] == "M"]
    # the split upload was reassembled: part 2's row is dated by part 1's DataTime
    assert [(r["factor"], r["data_time"], r["value"]) for r in so2] == [
        ("a21026", "2025-01-01T00:00:00", "12.5"), ("02", "2025-01-01T00:00:00", "3.0")]
    v04 = [r for r in rows if r["mn"] == "LD130133000015"]
    assert {r["factor_2017"] for r in v04} == {"w00000", "w01018", "w21003"}


def test_text_output_and_crc_mode(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["hj212", "parse", str(capture(tmp_path)), "--crc-mode", "accept-modbus"])
    valid = sum(s.expect == "valid" for s in load_samples())
    assert result.exit_code == 0 and f"accepted: {valid}\n" in result.output and "crc_mismatch: 2" in result.output


def test_missing_file_exits_2() -> None:
    result = CliRunner().invoke(cli, ["hj212", "parse", "/nonexistent/capture.txt"])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_samples_tsv_is_present() -> None:
    assert SAMPLES_TSV.is_file(), f"shared sample packets not found at {SAMPLES_TSV} (set ECER_SHARED_DIR)"


def test_auto_detects_a_raw_stream(tmp_path: Path) -> None:
    # packets glued together without line endings, behind binary junk: not a line file
    path = tmp_path / "glued.bin"
    valid = [s.packet for s in load_samples() if s.expect == "valid"]
    path.write_bytes(b"\x00\x01\x02" + b"".join(valid))
    result = CliRunner().invoke(cli, ["hj212", "parse", str(path), "--format", "json"])
    assert json.loads(result.output)["accepted"] == len(valid)
