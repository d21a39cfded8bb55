"""Hostile plan files: an alias bomb and deep nesting are refused quickly with a clear error.

The checks run `ecer plan check` in a child process with a memory ceiling (and a wall-clock limit
as the test's safety net), so a regression that expands the bomb fails here instead of exhausting
the machine."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from ecer.plans.yamlsource import MAX_DEPTH, YamlSyntaxError, read_yaml

MEMORY_CEILING = 1024 * 1024 * 1024  # 1 GiB: the unbounded version needed gigabytes


def alias_bomb(levels: int = 9) -> str:
    """The "billion laughs": each level lists the previous one nine times (9**9 ≈ 387 million)."""
    lines = ['code: bomb', 'a0: &a0 ["lol"]']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    lines.append(f"targets: *a{levels}")
    return "\n".join(lines) + "\n"


def run_check(path: Path) -> subprocess.CompletedProcess[str]:
    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CEILING, MEMORY_CEILING))

    return subprocess.run([sys.executable, "-m", "ecer", "plan", "check", str(path)], capture_output=True,
                          text=True, timeout=60, preexec_fn=limit_memory)


def test_alias_bomb_is_refused_by_plan_check(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb())
    result = run_check(path)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "MemoryError" not in result.stderr and "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout[:2000]
    assert lines[0].startswith(f"{path}: line ")
    assert "aliases expand the document beyond" in lines[0] and "alias bomb" in lines[0]
    assert len(lines[0]) < 300  # the message names the alias, never its expansion


def test_deep_nesting_is_refused_by_plan_check(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("targets: " + "[" * 5000 + "\n")
    result = run_check(path)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "RecursionError" not in result.stderr and "Traceback" not in result.stderr
    assert result.stdout.strip() == f"{path}: line 1: nested more than {MAX_DEPTH} levels deep; a plan needs a handful"


def test_small_aliases_still_work() -> None:
    source = read_yaml("base: &b {unit: t}\nitems: [*b, *b]\n")
    assert source.data["items"] == [{"unit": "t"}, {"unit": "t"}]


def test_budget_counts_expanded_values_not_text() -> None:
    # 60 short lines that would expand to 10**6 values.
    with pytest.raises(YamlSyntaxError) as caught:
        read_yaml(alias_bomb(levels=7))
    assert caught.value.line is not None and caught.value.line <= 8


def test_nesting_just_under_the_budget_is_accepted() -> None:
    depth = MAX_DEPTH - 1
    assert read_yaml("x: " + "[" * depth + "]" * depth + "\n").data is not None


def test_bundled_plans_are_far_inside_the_budget() -> None:
    from ecer.plans.loader import _bundled_dir
    from ecer.plans.yamlsource import check_budget

    for plan in _bundled_dir().glob("*.yaml"):
        check_budget(plan.read_text(encoding="utf-8"), max_depth=10, max_nodes=20_000)


def test_problem_messages_quote_values_briefly(tmp_path: Path) -> None:
    from ecer.plans.loader import validate_plan_text

    text = 'big: &big [' + ", ".join(['"' + "x" * 50 + '"'] * 200) + ']\ncode: *big\ntargets: [*big, *big]\n'
    _, problems = validate_plan_text(text, "p.yaml")
    assert problems
    assert all(len(str(p)) < 400 for p in problems), max(problems, key=lambda p: len(str(p)))
