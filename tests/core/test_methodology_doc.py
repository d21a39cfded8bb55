"""docs/methodology.md cannot drift: its worked-example table and explanation example are recomputed here."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from ecer.core.explain import Names
from ecer.core.intensity import average_annual_reduction, cumulative_change
from ecer.core.progress import (
    Completion,
    completion_ratio,
    reduction_requirement,
    remaining_per_year,
    remaining_task,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "methodology.md"
NUMBER = re.compile(r"[+−-]?\d+(?:\.\d+)?")


def numbers(text: str) -> list[str]:
    return [n.replace("−", "-") for n in NUMBER.findall(text)]


def section(name: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"<!-- {name}:begin -->\n(.*?)<!-- {name}:end -->", text, re.S)
    assert match, f"{name} block missing from {DOC}"
    return match.group(1)


def rows() -> list[tuple[str, dict[str, list[float]], list[str]]]:
    out = []
    for line in section("worked-examples").splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        inputs: dict[str, list[float]] = {}
        for part in cells[2].split(";"):
            key, _, values = part.partition("=")
            inputs[key.strip()] = [float(v) for v in numbers(values)]
        out.append((cells[0], inputs, numbers(cells[3])))
    return out


def _pct(values: object) -> list[float]:
    return [float(v) * 100 for v in np.atleast_1d(np.asarray(values))]


COMPUTE: dict[str, Callable[[dict[str, list[float]]], list[float]]] = {
    "cumulative_change": lambda i: _pct(cumulative_change(np.array(i["r"]) / 100)),
    "average_annual_reduction": lambda i: _pct(average_annual_reduction(i["R"][0] / 100, int(i["N"][0]))),
    "geometric_path": lambda i: _pct(reduction_requirement(
        i["R"][0] / 100, 2020, 2020 + int(i["N"][0]), tuple(range(2021, 2021 + int(i["N"][0]))), ("x",))[0]),
    "completion_log": lambda i: _pct(completion_ratio(i["K"][0] / 100, i["R"][0] / 100, Completion.LOG)),
    "completion_linear": lambda i: _pct(completion_ratio(i["K"][0] / 100, i["R"][0] / 100, Completion.LINEAR)),
    "remaining_task": lambda i: _pct([
        remaining_task(i["K"][0] / 100, i["R"][0] / 100),
        remaining_per_year(remaining_task(i["K"][0] / 100, i["R"][0] / 100), int(i["m"][0])),
    ]),
}


def test_every_example_row_has_a_computation() -> None:
    ids = [row[0] for row in rows()]
    assert set(ids) == set(COMPUTE), "a worked example in the doc has no test, or a test lost its row"


@pytest.mark.parametrize("example_id, inputs, expected", rows(), ids=[r[0] for r in rows()])
def test_worked_example(example_id: str, inputs: dict[str, list[float]], expected: list[str]) -> None:
    computed = COMPUTE[example_id](inputs)
    assert len(computed) == len(expected)
    for value, published in zip(computed, expected, strict=True):
        decimals = len(published.split(".")[1]) if "." in published else 0
        assert round(value, decimals) == pytest.approx(float(published)), example_id


def test_explanation_example_is_the_code_output() -> None:
    from ecer.core.evaluate import TargetKind, TargetSpec, evaluate_target
    from ecer.core.explain import explain_cell
    from ecer.core.panel import Panel

    panel = Panel("energy_intensity", "tce_per_10k_yuan", ("510800",), (2020, 2021, 2022, 2023),
                  np.array([[1.0, 0.97, 0.94, 0.92]]))
    result = evaluate_target(panel, TargetSpec("energy_intensity", TargetKind.REDUCTION, 2020, 2025, 0.14))
    zh, en = explain_cell(result, "510800", 2023, Names("广元市", "Guangyuan", "单位GDP能耗", "energy intensity"))
    lines = [line.removeprefix("- ") for line in section("explanation-example").splitlines() if line.strip()]
    assert lines == [zh, en]
