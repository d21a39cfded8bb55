"""The documented light rule (METHODOLOGY §2a, §3), recomputed from one report row's own fields.

Used on whole reports (the demo's `ecer progress --format json`, and the service with the level
decomposition option), so that any row whose light disagrees with its direction, comparator,
tolerance and status is named.
"""

from __future__ import annotations

from typing import Any

EPS = 1e-9


def expected_light(row: dict[str, Any], threshold: float = 0.10) -> str:
    """The light the documented rule gives for `row` (a ReportRow as a dict), ten-percent variant."""
    status = row["status"]
    if status == "not_assessed":
        return "not_assessed"
    if status == "exempt":
        return "exempt"
    assert status == "ok", (row["region_code"], row["target_code"], status, row.get("error"))
    actual, required, tolerance = row["actual"], row["required"], row["tolerance"]
    assert row["direction"] in ("higher", "lower") and row["comparator"] in ("ge", "le", "about")
    implied = {"ge": "higher", "le": "lower"}.get(row["comparator"], row["direction"])
    assert implied == row["direction"], "comparator contradicts the direction"
    assert tolerance == 0 or row["comparator"] == "about"
    shortfall = required - actual if row["direction"] == "higher" else actual - required
    gap = shortfall - tolerance
    assert abs(gap - row["gap"]) <= 1e-6 * max(1.0, abs(required)), (row["region_code"], row["target_code"])
    if gap <= EPS:
        return "green"
    return "red" if gap > threshold * abs(required) else "yellow"


def disagreements(rows: list[dict[str, Any]], threshold: float = 0.10) -> list[tuple[str, str, str, str]]:
    """(region, target, light shown, light by the rule) for every row that disagrees."""
    out = []
    for row in rows:
        rule = expected_light(row, threshold)
        if row["light"] != rule:
            out.append((row["region_code"], row["target_code"], row["light"], rule))
    return out


def beyond_target_but_warned(rows: list[dict[str, Any]]) -> list[tuple[str, str, float, float, str]]:
    """Level rows whose actual is at or beyond their own target in the good direction yet yellow or red."""
    out = []
    for row in rows:
        if row["kind"] != "level" or row["status"] != "ok" or row["target_value"] is None:
            continue
        beyond = (row["actual"] >= row["target_value"] if row["direction"] == "higher"
                  else row["actual"] <= row["target_value"])
        if beyond and row["light"] in ("yellow", "red"):
            out.append((row["region_code"], row["target_code"], row["actual"], row["target_value"], row["light"]))
    return out
