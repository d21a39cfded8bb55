"""`ecer decompose` and `ecer assess`: target decomposition and target-responsibility assessment.

Both read region-year statistics from the database (current approved observations) or, with
`--data FILE`, from a file in the statistics layout (region_code, year, variable, value, unit,
source, note), through the gatherers of `ecer.accounting`; `ecer assess` then runs the same
evaluation as `ecer progress`. `ecer decompose --save` stores the city targets with their
provenance. See docs/decomposition-and-assessment.md.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import click

from ecer.errors import InputFileError
from ecer.texttable import render_table

DEFAULT_PLAN = "sichuan-14fyp"
INDICATOR = "energy_intensity"


@dataclass
class Source:
    """Where plan and statistics come from: the database (default) or a statistics file (`--data`).

    Either way the plan targets, regions and panels are the plain inputs of `ecer.accounting`, so
    decomposition and assessment run the same evaluation on both.
    """

    plan: Any  # PlanInputs | None (None: the plan cannot be loaded from the database or its file)
    data_file: str | None = None
    rows: list[Any] = field(default_factory=list)
    label: str = "database"

    def panels(self, region_codes: Sequence[str], variables: Sequence[str], years: Sequence[int]) -> Any:
        if self.data_file is not None:
            from ecer.accounting.gather_file import panels_from_rows

            return panels_from_rows(self.rows, self.label, region_codes, variables, years)
        from ecer.accounting.gather_db import load_panels

        data = load_panels(region_codes, variables, years)
        if not data.refs:
            raise click.ClickException(
                f"no approved observations of {', '.join(variables)} for {years[0]}–{years[-1]} in the database: "
                "import statistics (ecer data import) or give --data FILE")
        return data


def _plan_from_file(plan_code: str) -> Any:
    from ecer.accounting.gather_file import plan_inputs_from_file

    try:
        return plan_inputs_from_file(plan_code)
    except (InputFileError, FileNotFoundError, KeyError, ValueError):
        return None


def open_source(plan_code: str, data_file: str | None) -> Source:
    """The file source (no database needed) or the database source; the plan comes from the database
    when it is loaded there (with its stored regional targets), else from its file."""
    if data_file is not None:
        from ecer.accounting.gather_file import read_statistics

        rows, label = read_statistics(data_file)
        return Source(_plan_from_file(plan_code), data_file, rows, label)
    from ecer.site.django_setup import setup

    setup()
    from ecer.accounting.gather_db import plan_inputs_from_db

    return Source(plan_inputs_from_db(plan_code) or _plan_from_file(plan_code))


def reduction_target(source: Source, indicator: str) -> Any:
    if source.plan is None:
        return None
    return source.plan.reduction_target(indicator)


def cities(source: Source, province: str | None) -> tuple[str, list[Any]]:
    """The province (--province, else the plan's region, else inferred from the file) and its cities."""
    from ecer.accounting.gather_file import catalog_region
    from ecer.catalogs import load_regions

    regions = load_regions()
    if province is None and source.plan is not None and source.plan.region.code:
        province = source.plan.region.code
    if province is None:
        parents = {regions.get(r.region_code).parent for r in source.rows
                   if r.region_code in regions and regions.get(r.region_code).level == "city"}
        if len(parents) != 1:
            raise click.UsageError(f"cannot infer the province from the data (city parents: {sorted(map(str, parents))}); use --province")
        province = str(parents.pop())
    if province not in regions:
        raise click.UsageError(f"unknown province code {province}")
    return province, [catalog_region(r.code) for r in regions.children(province) if r.level == "city"]


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
@click.option("--province", help="Province code; default the plan's region (or inferred from the data file).")
@click.option("--round-step", default=0.1, show_default=True, help="City targets are rounded up to this (pp).")
@click.option("--format", "fmt", default="table", type=click.Choice(["table", "json", "csv"]), show_default=True)
@click.option("--save", is_flag=True, help="Store the result as the plan's regional targets (basic + incentive "
              "per city), replacing the previous ones; the run and what it replaced are kept.")
def decompose(plan_code: str, indicator: str, data_file: str | None, margin: float, incentive_extra: float,
              growth: float, growth_for: tuple[str, ...], reduction: float | None, base_year: int | None,
              target_year: int | None, province: str | None, round_step: float, fmt: str, save: bool) -> None:
    """Decompose the provincial intensity-reduction target to cities (目标分解), showing every step."""
    from ecer.accounting.decomposition import VARIABLES, city_bases
    from ecer.core.decomposition import DecompositionParams
    from ecer.core.decomposition import decompose as run
    from ecer.core.errors import AccountingInputError

    try:
        source = open_source(plan_code, data_file)
    except InputFileError as err:
        raise click.ClickException(str(err)) from err
    target = reduction_target(source, indicator)
    if target is not None:
        reduction = target.value if reduction is None else reduction
        base_year = target.base_year if base_year is None else base_year
        target_year = target.target_year if target_year is None else target_year
    if reduction is None or base_year is None or target_year is None:
        raise click.UsageError(f"plan '{plan_code}' has no {indicator} reduction target here: "
                               "give --reduction, --base-year and --target-year")
    province, city_list = cities(source, province)
    try:
        data = source.panels([c.code for c in city_list], VARIABLES, [base_year])
        gathered = city_bases(data, city_list, base_year, growth, _growth_map(growth_for))
        params = DecompositionParams(reduction, base_year, target_year, margin_pct=margin,
                                     incentive_extra_pct=incentive_extra, round_step_pct=round_step)
        result = run(gathered.bases, params, expected_codes=[c.code for c in city_list])
    except AccountingInputError as err:
        raise click.ClickException(str(err)) from err
    if fmt == "json":
        _emit_json(result)
    elif fmt == "csv":
        click.echo(_decomposition_csv(result), nl=False)
    else:
        click.echo(_decomposition_table(result, province, plan_code))
    if save:
        _save(source, result, gathered)


def _save(source: Source, result: Any, gathered: Any) -> None:
    from ecer.site.django_setup import setup

    setup()
    from ecer.masterdata.services.decomposition import save_decomposition

    if source.plan is None:
        raise click.ClickException("--save needs a plan loaded in the database (run `ecer demo`)")
    try:
        saved = save_decomposition(source.plan.code, result, gathered.inputs, source.label, gathered.illustrative)
    except LookupError as err:
        raise click.ClickException(str(err)) from err
    run = saved.run
    if saved.changed:
        click.echo(f"saved: decomposition run {run.pk} → {len(result.allocations)} regional targets of plan "
                   f"{source.plan.code} (replaced {saved.replaced}); 已保存为分市目标", err=True)
    else:
        click.echo(f"unchanged: decomposition run {run.pk} with the same inputs and parameters is current", err=True)


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


# ---------------------------------------------------------------- assess

__all__ = ["assess", "decompose"]

# The assess command lives in its own module to keep each module small; main.py finds it here.
from ecer.cli.assessment_assess import assess  # noqa: E402
