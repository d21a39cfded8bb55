"""`ecer decompose` and `ecer assess`: target decomposition and target-responsibility assessment.

Both read region-year statistics from the database (current approved observations) or, with
`--data FILE`, from a file in the statistics layout (region_code, year, variable, value, unit,
source, note). See docs/decomposition-and-assessment.md.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from collections.abc import Sequence
from typing import Any

import click

from ecer.errors import InputFileError

DEFAULT_PLAN = "sichuan-14fyp"
INDICATOR = "energy_intensity"


def _plan_target(plan_code: str, indicator: str) -> tuple[Any, Any] | None:
    """(plan, target) for `indicator`, or None when the plan cannot be loaded (bundled plan missing)."""
    try:
        from ecer.plans import load_plan

        plan = load_plan(plan_code)
    except (ImportError, InputFileError, FileNotFoundError, KeyError, ValueError):
        return None
    target = next((t for t in plan.targets if t.indicator == indicator and t.kind == "reduction"), None)
    return (plan, target) if target is not None else None


def _stat_rows(path: str) -> list[Any]:
    from ecer.catalogs import read_statistics_file

    return read_statistics_file(path)


def _values(rows: Sequence[Any]) -> dict[tuple[str, int, str], float]:
    return {(r.region_code, r.year, r.variable): float(r.value) for r in rows}


VARIABLES = ("energy_total", "energy_raw_material", "energy_listed_projects", "gdp_current", "gdp_index")


def load_values(data_file: str | None, years: Sequence[int]) -> dict[tuple[str, int, str], float]:
    """(region, year, variable) → value, from a statistics file or, without one, the database.

    The database path reads the latest approved version of each figure (masterdata
    `current_observations`); a figure stored in another unit than its variable's is refused.
    """
    if data_file is not None:
        return _values(_stat_rows(data_file))
    from ecer.site.django_setup import setup

    setup()
    from ecer.masterdata.models.observations import current_observations

    values: dict[tuple[str, int, str], float] = {}
    for obs in current_observations(variables=VARIABLES, years=years):
        if obs.unit != obs.variable.unit:
            raise click.ClickException(f"region {obs.region.code}, year {obs.year}, {obs.variable.code}: stored in "
                                       f"{obs.unit}, expected {obs.variable.unit}")
        values[(obs.region.code, obs.year, obs.variable.code)] = float(obs.value)
    if not values:
        raise click.ClickException(f"no approved observations of {', '.join(VARIABLES)} for {years[0]}–{years[-1]} "
                                   "in the database: import statistics (ecer data import) or give --data FILE")
    return values


def _cities(region_codes: set[str], province: str | None) -> tuple[str, list[Any]]:
    """The province and its cities (catalog order); the province is inferred from the data when not given."""
    from ecer.catalogs import load_regions

    regions = load_regions()
    if province is None:
        parents = {regions.get(c).parent for c in region_codes if c in regions and regions.get(c).level == "city"}
        if len(parents) != 1:
            raise click.UsageError(f"cannot infer the province from the data (city parents: {sorted(map(str, parents))}); use --province")
        province = str(parents.pop())
    return province, [r for r in regions.children(province) if r.level == "city"]


def _energy_for_intensity(v: dict[tuple[str, int, str], float], code: str, year: int, listed: bool) -> float:
    # Raw-material energy is deducted in every year (发改环资〔2022〕803号); nationally listed
    # projects only in the assessed year (1310号). Missing deduction rows count as zero.
    energy = v.get((code, year, "energy_total"), math.nan)
    energy -= v.get((code, year, "energy_raw_material"), 0.0)
    if listed:
        energy -= v.get((code, year, "energy_listed_projects"), 0.0)
    return energy


def _growth_map(entries: Sequence[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for entry in entries:
        code, sep, pct = entry.partition("=")
        try:
            out[code.strip()] = float(pct)
        except ValueError:
            raise click.BadParameter(f"'{entry}': expected CODE=PCT, e.g. 510100=6.5", param_hint="--growth-for") from None
        if not sep:
            raise click.BadParameter(f"'{entry}': expected CODE=PCT", param_hint="--growth-for")
    return out


def _emit_json(obj: Any) -> None:
    data = dataclasses.asdict(obj) if dataclasses.is_dataclass(obj) and not isinstance(obj, type) else obj
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


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
@click.option("--province", help="Province code; default inferred from the cities in the data.")
@click.option("--round-step", default=0.1, show_default=True, help="City targets are rounded up to this (pp).")
@click.option("--format", "fmt", default="table", type=click.Choice(["table", "json", "csv"]), show_default=True)
def decompose(plan_code: str, indicator: str, data_file: str | None, margin: float, incentive_extra: float,
              growth: float, growth_for: tuple[str, ...], reduction: float | None, base_year: int | None,
              target_year: int | None, province: str | None, round_step: float, fmt: str) -> None:
    """Decompose the provincial intensity-reduction target to cities (目标分解), showing every step."""
    from ecer.core.decomposition import CityBase, DecompositionParams
    from ecer.core.decomposition import decompose as run
    from ecer.core.errors import AccountingInputError

    found = _plan_target(plan_code, indicator)
    if found is not None:
        target = found[1]
        reduction = target.value if reduction is None else reduction
        base_year = target.base_year if base_year is None else base_year
        target_year = target.target_year if target_year is None else target_year
    if reduction is None or base_year is None or target_year is None:
        raise click.UsageError(f"plan '{plan_code}' has no {indicator} reduction target here: "
                               "give --reduction, --base-year and --target-year")
    try:
        values = load_values(data_file, [base_year])
        province, cities = _cities({k[0] for k in values}, province)
        overrides = _growth_map(growth_for)
        bases = [
            CityBase(c.code, c.name_zh, _energy_for_intensity(values, c.code, base_year, listed=False),
                     values.get((c.code, base_year, "gdp_current"), math.nan), overrides.get(c.code, growth))
            for c in cities if any(k[0] == c.code and k[1] == base_year for k in values)
        ]
        params = DecompositionParams(reduction, base_year, target_year, margin_pct=margin,
                                     incentive_extra_pct=incentive_extra, round_step_pct=round_step)
        result = run(bases, params, expected_codes=[c.code for c in cities])
    except (InputFileError, AccountingInputError) as err:
        raise click.ClickException(str(err)) from err
    if fmt == "json":
        _emit_json(result)
    elif fmt == "csv":
        click.echo(_decomposition_csv(result), nl=False)
    else:
        click.echo(_decomposition_table(result, province, plan_code))


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
        f"{'code':<7}{'city':<10}{'E0 10k tce':>11}{'GDP0 100m':>11}{'prod':>8}{'ratio':>7}{'rank':>5}{'tier':>5}"
        f"{'offset':>7}{'raw %':>9}{'basic %':>8}{'incent %':>9}{'annual %':>9}{'g %':>6}{'GDP_T':>10}{'E_T':>9}",
    ]
    for a in d.allocations:
        lines.append(
            f"{a.region_code:<7}{a.name:<10}{a.energy_10k_tce:>11.1f}{a.gdp_100m_yuan:>11.1f}"
            f"{a.energy_productivity_10k_yuan_per_tce:>8.3f}{a.productivity_ratio:>7.3f}{a.productivity_rank:>5}{a.tier:>5}"
            f"{a.offset_pct:>+7.1f}{a.raw_reduction_pct:>9.4f}{a.basic_reduction_pct:>8.1f}{a.incentive_reduction_pct:>9.1f}"
            f"{a.annual_basic_reduction_pct:>9.3f}{a.gdp_growth_pct:>6.1f}{a.projected_gdp_100m_yuan:>10.1f}{a.projected_energy_10k_tce:>9.1f}"
        )
    lines += [
        "",
        f"check: base intensity {c.base_intensity_tce_per_10k_yuan:.6f} → target-year {c.target_intensity_tce_per_10k_yuan:.6f} tce/10k yuan; "
        f"aggregate reduction {c.aggregate_reduction_pct:.4f}% (unrounded {c.solved_reduction_pct:.4f}%)",
        f"meets provincial target {p.provincial_reduction_pct}%: {'yes' if c.meets_provincial_target else 'NO'}; "
        f"with margin: {'yes' if c.meets_with_margin else 'NO'}",
        *[f"note: {n}" for n in d.notes],
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------- assess

__all__ = ["assess", "decompose"]

# The assess command lives in its own module to keep each module small; main.py finds it here.
from ecer.cli.assessment_assess import assess  # noqa: E402
