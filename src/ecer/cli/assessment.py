"""`ecer decompose`: target decomposition (目标分解), rendered as a table, JSON or CSV.

The work (data source, plan, decomposition, saving) is `ecer.services.decompose`; this module
parses the options and renders. Statistics come from the database (current approved observations)
or, with `--data FILE`, from a statistics file. `--save` stores the city targets with their
provenance. See docs/decomposition-and-assessment.md. (`ecer assess`: cli/assessment_assess.py.)
"""

from __future__ import annotations

import csv
import dataclasses
import io
from typing import Any

import click

from ecer.cli._actor import cli_actor, django, emit_json, service_errors
from ecer.services.source import DEFAULT_PLAN, INTENSITY
from ecer.texttable import render_table

INDICATOR = INTENSITY


# ---------------------------------------------------------------- decompose


@click.command()
@click.option("--plan", "plan_code", default=DEFAULT_PLAN, show_default=True, help="Plan code or YAML path.")
@click.option("--indicator", default=INDICATOR, show_default=True, type=click.Choice([INDICATOR]))
@click.option("--data", "data_file", type=click.Path(exists=True, dir_okay=False),
              help="Statistics file (CSV/XLSX) with base-year energy_total and gdp_current per city; "
                   "default: current approved observations in the database.")
@click.option("--margin", default=0.5, show_default=True, help="Safety margin on the provincial target (pp).")
@click.option("--incentive-extra", default=0.5, show_default=True, help="Incentive target = basic + this (pp).")
@click.option("--growth", default=6.0, show_default=True, help="Assumed annual real GDP growth of every city (pct).")
@click.option("--growth-for", multiple=True, metavar="CODE=PCT", help="Growth assumption for one city.")
@click.option("--reduction", type=float, help="Provincial reduction target (pct); default from the plan.")
@click.option("--base-year", type=int, help="Default from the plan.")
@click.option("--target-year", type=int, help="Default from the plan.")
@click.option("--province", help="Province code; default the plan's region (or inferred from the data file).")
@click.option("--round-step", default=0.1, show_default=True, help="City targets are rounded up to this (pp).")
@click.option("--format", "fmt", default="table", type=click.Choice(["table", "json", "csv"]), show_default=True)
@click.option("--save", is_flag=True, help="Store the result as the plan's regional targets (basic + incentive "
              "per city), replacing the previous ones; the run and what it replaced are kept.")
@click.option("--user", "username", default=None, help="act as this account; default: the system operator")
def decompose(plan_code: str, indicator: str, data_file: str | None, margin: float, incentive_extra: float,
              growth: float, growth_for: tuple[str, ...], reduction: float | None, base_year: int | None,
              target_year: int | None, province: str | None, round_step: float, fmt: str, save: bool,
              username: str | None) -> None:
    """Decompose the provincial intensity-reduction target to cities (目标分解), showing every step."""
    from ecer.services.decompose import decompose_intensity, growth_map

    if data_file is None or save:
        django()
    with service_errors():
        done = decompose_intensity(
            plan_code, actor=cli_actor(username), data_file=data_file, province=province, reduction=reduction,
            base_year=base_year, target_year=target_year, margin=margin, incentive_extra=incentive_extra,
            growth=growth, growth_for=growth_map(growth_for), round_step=round_step, save=save)
    result = done.result
    if fmt == "json":
        emit_json(result)
    elif fmt == "csv":
        click.echo(_decomposition_csv(result), nl=False)
    else:
        click.echo(_decomposition_table(result, done.province, plan_code))
    if done.saved is not None:
        run = done.saved
        if run.changed:
            click.echo(f"saved: decomposition run {run.run_id} → {run.targets} regional targets of plan "
                       f"{plan_code} (replaced {run.replaced}); 已保存为分市目标", err=True)
        else:
            click.echo(f"unchanged: decomposition run {run.run_id} with the same inputs and parameters is current",
                       err=True)


def _decomposition_csv(result: Any) -> str:
    from ecer.core.decomposition import CityAllocation

    buf = io.StringIO()
    fields = [f.name for f in dataclasses.fields(CityAllocation)]
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for a in result.allocations:
        writer.writerow(dataclasses.asdict(a))
    return buf.getvalue()


def _decomposition_table(d: Any, province: str, plan_code: str) -> str:
    p, c = d.params, d.check
    lines = [
        f"目标分解 target decomposition — plan {plan_code}, province {province}, {p.base_year}→{p.target_year} ({d.years} years)",
        f"provincial target R = {p.provincial_reduction_pct}% ; safety margin {p.margin_pct} pp ; required aggregate ≥ {c.required_reduction_pct}%",
        f"provincial energy productivity (能源产出率) = ΣGDP/ΣE = {d.provincial_productivity_10k_yuan_per_tce:.4f} 10k yuan/tce",
        "tiers: " + "; ".join(f"{t.code} ratio ≥ {t.min_ratio:g} → offset {t.offset_pct:+g} pp" for t in p.tiers),
        f"solved common shift s = {d.shift_pct:.6f} pp ({d.bisection_iterations} bisection steps); "
        f"city target = clip(s + offset, {p.min_city_reduction_pct}, {p.max_city_reduction_pct}) rounded up to {p.round_step_pct} pp",
        "",
    ]
    headers = ["code", "city", "E0 10k tce", "GDP0 100m", "prod", "ratio", "rank", "tier", "offset", "raw %",
               "basic %", "incent %", "annual %", "g %", "GDP_T", "E_T"]
    rows = [[a.region_code, a.name, f"{a.energy_10k_tce:.1f}", f"{a.gdp_100m_yuan:.1f}",
             f"{a.energy_productivity_10k_yuan_per_tce:.3f}", f"{a.productivity_ratio:.3f}", str(a.productivity_rank),
             a.tier, f"{a.offset_pct:+.1f}", f"{a.raw_reduction_pct:.4f}", f"{a.basic_reduction_pct:.1f}",
             f"{a.incentive_reduction_pct:.1f}", f"{a.annual_basic_reduction_pct:.3f}", f"{a.gdp_growth_pct:.1f}",
             f"{a.projected_gdp_100m_yuan:.1f}", f"{a.projected_energy_10k_tce:.1f}"] for a in d.allocations]
    lines.append(render_table(headers, rows, max_cell=None, right=[False, False] + [True] * 14))
    lines += [
        "",
        f"check: base intensity {c.base_intensity_tce_per_10k_yuan:.6f} → target-year {c.target_intensity_tce_per_10k_yuan:.6f} tce/10k yuan; "
        f"aggregate reduction {c.aggregate_reduction_pct:.4f}% (unrounded {c.solved_reduction_pct:.4f}%)",
        f"meets provincial target {p.provincial_reduction_pct}%: {'yes' if c.meets_provincial_target else 'NO'}; "
        f"with margin: {'yes' if c.meets_with_margin else 'NO'}",
        *[f"note: {n}" for n in d.notes],
    ]
    return "\n".join(lines)


__all__ = ["decompose"]
