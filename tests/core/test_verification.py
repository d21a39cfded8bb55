"""Verification of reduction claims: worked examples, a planted-case ledger, and properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecer.core.reduction import ReductionInputError
from ecer.core.verification import (
    Claim,
    FindingKind,
    MonitoredMonth,
    OffsetUse,
    SourceBaseline,
    VerificationOptions,
    baseline_over,
    verify,
)

D = dt.date
Y2023 = (D(2023, 1, 1), D(2023, 12, 31))
STABLE = D(2022, 6, 1)


def claim(cid: str, project: str, source: str, amount: float, period: tuple[dt.date, dt.date] = Y2023,
          pollutant: str = "cod", stable: dt.date | None = STABLE, deducted: float = 0.0) -> Claim:
    return Claim(cid, project, source, pollutant, period[0], period[1], amount, stable, deducted)


def monthly(source: str, emission_t: float, year: int = 2023, pollutant: str = "cod") -> list[MonitoredMonth]:
    return [MonitoredMonth(source, pollutant, year, m, emission_t) for m in range(1, 13)]


def test_double_count_by_two_projects_worked_example() -> None:
    # A: all of 2023, 365 t (1 t/day); B: 2023-07-01…12-31 (184 days), 92 t (0.5 t/day)
    # overlap 184 days: A's share 184 t, B's 92 t → 92 t counted twice (the smaller)
    a = claim("A", "P1", "S1", 365)
    b = claim("B", "P2", "S1", 92, (D(2023, 7, 1), D(2023, 12, 31)))
    (finding,) = verify([a, b])
    assert finding.kind is FindingKind.DOUBLE_COUNT_PROJECTS and finding.projects == ("P1", "P2")
    assert finding.claims == ("A", "B") and finding.amount_t == pytest.approx(92)
    assert "184 overlapping days" in finding.explanation_en and "重复" in finding.explanation_zh


def test_one_project_twice_over_overlapping_periods() -> None:
    # H1 181 days (Jan–Jun) 181 t, second claim Apr–Dec 275 days 275 t: overlap Apr–Jun = 91 days → 91 t twice
    first = claim("C1", "P1", "S1", 181, (D(2023, 1, 1), D(2023, 6, 30)))
    second = claim("C2", "P1", "S1", 275, (D(2023, 4, 1), D(2023, 12, 31)))
    (finding,) = verify([first, second])
    assert finding.kind is FindingKind.DOUBLE_COUNT_PERIODS and finding.amount_t == pytest.approx(91)


def test_above_baseline_worked_example() -> None:
    # baseline 80 t/yr; 100 t claimed for 2023 → 20 t more than the source emitted
    (finding,) = verify([claim("A", "P1", "S1", 100)], [SourceBaseline("S1", "cod", 80)])
    assert finding.kind is FindingKind.ABOVE_BASELINE and finding.amount_t == pytest.approx(20)
    # half of leap 2024 (182 of 366 days): ceiling 80 × 182 / 366 = 39.78 t
    assert baseline_over(80, D(2024, 1, 1), D(2024, 6, 30)) == pytest.approx(80 * 182 / 366)


def test_contradicted_by_monitoring_worked_example() -> None:
    # baseline 1,200 t/yr; monitored 95 t in each month of 2023 = 1,140 t → monitored reduction 60 t
    # claim 300 t: 240 t unsupported, more than the 20% tolerance (60 t) → finding of 240 t
    findings = verify([claim("A", "P1", "S1", 300)], [SourceBaseline("S1", "cod", 1200)], monitoring=monthly("S1", 95))
    (finding,) = findings
    assert finding.kind is FindingKind.CONTRADICTED_BY_MONITORING and finding.amount_t == pytest.approx(240)
    # a claim of 70 t is within the tolerance (70 − 60 = 10 ≤ 14 t)
    assert verify([claim("A", "P1", "S1", 70)], [SourceBaseline("S1", "cod", 1200)], monitoring=monthly("S1", 95)) == []


def test_too_little_monitoring_is_not_judged() -> None:
    # 3 monitored months of 12 is 25% < 50% coverage: no judgment on a claim they would contradict
    few = monthly("S1", 100)[:3]
    assert verify([claim("A", "P1", "S1", 300)], [SourceBaseline("S1", "cod", 1200)], monitoring=few) == []
    loose = VerificationOptions(monitoring_min_coverage_pct=20)
    assert [f.kind for f in verify([claim("A", "P1", "S1", 300)], [SourceBaseline("S1", "cod", 1200)],
                                   monitoring=few, options=loose)] == [FindingKind.CONTRADICTED_BY_MONITORING]


def test_offsets_not_deducted() -> None:
    # 50 t of P1's reduction at S1 offset new projects N1 (30 t) and N2 (20 t); the claim deducts 20 t → 30 t
    offsets = [OffsetUse("O1", "N1", "P1", "S1", "cod", 30), OffsetUse("O2", "N2", "P1", "S1", "cod", 20)]
    (finding,) = verify([claim("A", "P1", "S1", 100, deducted=20)], offsets=offsets)
    assert finding.kind is FindingKind.OFFSET_NOT_DEDUCTED and finding.amount_t == pytest.approx(30)
    assert finding.projects == ("P1", "N1", "N2")
    assert verify([claim("A", "P1", "S1", 100, deducted=50)], offsets=offsets) == []


def test_stable_operation_in_the_future_and_claims_before_it() -> None:
    future = claim("F", "P1", "S1", 10, (D(2025, 1, 1), D(2025, 12, 31)), stable=D(2026, 6, 1))
    never = claim("N", "P2", "S2", 10, stable=None)
    early = claim("E", "P3", "S3", 10, stable=D(2024, 3, 1))
    found = verify([future, never, early], options=VerificationOptions(as_of=D(2025, 12, 31)))
    assert {(f.kind, f.claims) for f in found} == {
        (FindingKind.STABLE_OPERATION_IN_FUTURE, ("F",)), (FindingKind.STABLE_OPERATION_IN_FUTURE, ("N",)),
        (FindingKind.CLAIMED_BEFORE_STABLE_OPERATION, ("E",))}


@pytest.mark.parametrize(("bad", "field"), [
    (claim("A", "", "S1", 1), "project"),
    (claim("A", "P1", "", 1), "source"),
    (claim("A", "P1", "S1", -1), "amount_t"),
    (claim("A", "P1", "S1", 1, pollutant="so2"), "pollutant"),
    (claim("A", "P1", "S1", 1, (D(2023, 5, 1), D(2023, 4, 1))), "period_end"),
])
def test_claims_that_cannot_be_judged_are_refused(bad: Claim, field: str) -> None:
    with pytest.raises(ReductionInputError) as caught:
        verify([bad])
    assert caught.value.field == field


def test_planted_cases_are_all_caught_and_no_clean_one_is_flagged() -> None:
    as_of = D(2024, 3, 31)
    baselines = [SourceBaseline(f"S-C{i}", "cod", 500) for i in range(1, 8)] + [
        SourceBaseline("S-C8", "nox", 1200), SourceBaseline("S-B1", "cod", 80), SourceBaseline("S-M1", "nox", 1200),
        SourceBaseline("S-D1", "cod", 1000), SourceBaseline("S-D2", "cod", 1000), SourceBaseline("S-O1", "cod", 500)]
    clean = [
        claim("c1", "CLEAN-1", "S-C1", 400),
        claim("c2", "CLEAN-2", "S-C2", 100),
        claim("c3a", "CLEAN-3", "S-C3", 150, (D(2023, 1, 1), D(2023, 6, 30))),  # two periods that touch, not overlap
        claim("c3b", "CLEAN-3", "S-C3", 150, (D(2023, 7, 1), D(2023, 12, 31))),
        claim("c4", "CLEAN-4", "S-C4", 200, deducted=30),  # its offset is deducted
        claim("c5cod", "CLEAN-5", "S-C5", 50),  # two projects on one source, different pollutants
        claim("c5nh3n", "CLEAN-6", "S-C5", 5, pollutant="nh3n"),
        claim("c6", "CLEAN-7", "S-C6", 500),  # exactly the baseline is not above it
        claim("c7", "CLEAN-8", "S-C7", 0, stable=D(2024, 9, 1)),  # not stable yet, but counts nothing
        claim("c8", "CLEAN-9", "S-C8", 220, pollutant="nox"),  # monitoring: 1,200 − 12 × 80 = 240 t ≥ 220
        claim("c9", "CLEAN-10", "S-C9", 10),  # no baseline known: nothing to compare with
    ]
    planted = {
        ("d1a", "d1b"): FindingKind.DOUBLE_COUNT_PROJECTS,
        ("d2a", "d2b"): FindingKind.DOUBLE_COUNT_PERIODS,
        ("o1",): FindingKind.OFFSET_NOT_DEDUCTED,
        ("b1",): FindingKind.ABOVE_BASELINE,
        ("m1",): FindingKind.CONTRADICTED_BY_MONITORING,
        ("f1",): FindingKind.STABLE_OPERATION_IN_FUTURE,
        ("e1",): FindingKind.CLAIMED_BEFORE_STABLE_OPERATION,
    }
    dirty = [
        claim("d1a", "DC-1", "S-D1", 300), claim("d1b", "DC-2", "S-D1", 200, (D(2023, 10, 1), D(2023, 12, 31))),
        claim("d2a", "DC-3", "S-D2", 300, (D(2023, 1, 1), D(2023, 8, 31))),
        claim("d2b", "DC-3", "S-D2", 300, (D(2023, 6, 1), D(2023, 12, 31))),
        claim("o1", "OF-1", "S-O1", 120),
        claim("b1", "OVER-1", "S-B1", 100),
        claim("m1", "MON-1", "S-M1", 300, pollutant="nox"),
        claim("f1", "FUT-1", "S-F1", 40, (D(2024, 1, 1), D(2024, 3, 31)), stable=D(2024, 6, 1)),
        claim("e1", "EARLY-1", "S-E1", 40, stable=D(2024, 1, 15)),
    ]
    offsets = [OffsetUse("off-clean", "NEW-1", "CLEAN-4", "S-C4", "cod", 30),
               OffsetUse("off-dirty", "NEW-2", "OF-1", "S-O1", "cod", 45),
               OffsetUse("off-unclaimed", "NEW-3", "NOBODY", "S-X", "cod", 99)]  # not claimed: nothing counted twice
    monitoring = monthly("S-C8", 80, pollutant="nox") + monthly("S-M1", 95, pollutant="nox")
    findings = verify(clean + dirty, baselines, offsets, monitoring, VerificationOptions(as_of=as_of))
    assert {f.claims: f.kind for f in findings} == planted
    flagged = {p for f in findings for p in f.projects}
    assert not any(p.startswith("CLEAN") for p in flagged)


sources = st.integers(min_value=0, max_value=30).map(lambda i: f"S{i}")
amounts = st.floats(min_value=0.01, max_value=1000, allow_nan=False)


@given(st.lists(st.tuples(sources, amounts, st.floats(min_value=0, max_value=1)), min_size=1, max_size=12,
                unique_by=lambda t: t[0]), st.data())
def test_clean_ledgers_give_no_finding_and_a_planted_double_count_is_caught(rows: list[tuple[str, float, float]],
                                                                           data: st.DataObject) -> None:
    claims = [claim(f"c{i}", f"P{i}", source, amount) for i, (source, amount, _) in enumerate(rows)]
    # baselines at or above each claim (the third value is the headroom share)
    baselines = [SourceBaseline(source, "cod", amount * (1 + headroom)) for source, amount, headroom in rows]
    assert verify(claims, baselines) == []
    victim = data.draw(st.sampled_from(claims))
    copy = claim("dup", "INTRUDER", victim.source, victim.amount_t)
    (finding,) = verify([*claims, copy], baselines)
    assert finding.kind is FindingKind.DOUBLE_COUNT_PROJECTS
    assert set(finding.projects) == {victim.project, "INTRUDER"} and finding.amount_t == pytest.approx(victim.amount_t)


def test_a_single_shared_day_is_an_overlap() -> None:
    # A ends on 2023-06-30 and B starts on it: one day counted twice (A 181 t / 181 d, B 184 t / 184 d → 1 t)
    a = claim("A", "P1", "S1", 181, (D(2023, 1, 1), D(2023, 6, 30)))
    b = claim("B", "P2", "S1", 184, (D(2023, 6, 30), D(2023, 12, 30)))
    (finding,) = verify([a, b])
    assert finding.amount_t == pytest.approx(1) and "1 overlapping days" in finding.explanation_en


def test_every_kind_and_option_is_documented() -> None:
    from dataclasses import fields
    from pathlib import Path
    doc = (Path(__file__).resolve().parents[2] / "docs" / "key-projects.md").read_text(encoding="utf-8")
    names = [f"`{k.value}`" for k in FindingKind] + [f"`{f.name}`" for f in fields(VerificationOptions)]
    assert [n for n in names if n not in doc] == []
