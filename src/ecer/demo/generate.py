"""Write the illustrative (NOT official) statistics dataset for Sichuan and its 21 市(州), 2020–2024.

    python -m ecer.demo.generate [--out PATH] [--seed N]

Deterministic: the same seed gives byte-identical output. Assumptions: docs/illustrative-data.md and the
CSV files in ecer/demo/data. Output layout: the statistics file of ecer.catalogs.statistics.
"""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

from ecer.catalogs.regions import load_regions
from ecer.catalogs.variables import load_variables
from ecer.demo.assumptions import data_path, load_cities
from ecer.demo.series import GDP_INDEX_ANCHORS, PROVINCE, YEARS, Dataset, city_series

VERSION = "v1"
DEFAULT_SEED = 20220721  # the date of 川府发〔2022〕20号
OUTPUT_NAME = "illustrative-statistics.csv"
HEADER = ("region_code", "region_name", "year", "variable", "value", "unit", "source", "note")
ANCHOR_NOTE = "anchor: published Sichuan figure (四川省统计局; METHODOLOGY §9)"
ANCHOR_NOTE_2024 = "anchor: published 2024 bulletin figure, not verified by ECER"


def source_text(seed: int) -> str:
    return f"illustrative (ecer.demo.generate {VERSION}, seed {seed}) — not official statistics"


def _add_province(data: Dataset) -> None:
    """Province rows from the cities: sums for flows and stocks, weighted means for indices and levels."""
    cities = load_cities()
    variables = load_variables()
    population = {c.code: c.population_10k for c in cities}
    for variable in sorted({key[1] for key in data.values}):
        kind = variables.get(variable).kind
        for year in YEARS:
            key = (PROVINCE, variable, year)
            if (cities[0].code, variable, year) not in data.values:
                continue  # e.g. energy_budget, issued from 2021 on
            if kind in ("flow", "stock"):
                decimals = data.values[(cities[0].code, variable, year)][1]
                data.values[key] = (sum(data.values[(c.code, variable, year)][0] for c in cities), decimals)
                data.notes[key] = "sum of the 21 cities"
            elif variable == "gdp_index":
                data.put(PROVINCE, variable, year, GDP_INDEX_ANCHORS[year], 1)
                data.notes[key] = ANCHOR_NOTE_2024 if year == 2024 else ANCHOR_NOTE
            elif kind == "index":
                weight_year = max(year - 1, YEARS[0])
                weights = {c.code: data.get(c.code, "industrial_va_current", weight_year) for c in cities}
                mean = sum(w * data.get(k, variable, year) for k, w in weights.items()) / sum(
                    weights.values()
                )
                data.put(PROVINCE, variable, year, round(mean, 1), 1)
                data.notes[key] = "weighted by the cities' previous-year current-price value added"
            else:
                mean = sum(p * data.get(k, variable, year) for k, p in population.items()) / sum(
                    population.values()
                )
                data.put(PROVINCE, variable, year, round(mean, 1), 1)
                data.notes[key] = "population-weighted mean of the cities"
        if variable == "gdp_current":
            for year in YEARS:
                data.notes[(PROVINCE, variable, year)] = ANCHOR_NOTE_2024 if year == 2024 else ANCHOR_NOTE


def _format(number: int, decimals: int) -> str:
    sign = "-" if number < 0 else ""
    whole, fraction = divmod(abs(number), 10**decimals)
    return f"{sign}{whole}.{fraction:0{decimals}d}" if decimals else f"{sign}{whole}"


def render(seed: int = DEFAULT_SEED) -> str:
    """The dataset as CSV text (LF line ends, UTF-8 without BOM)."""
    data = city_series(seed)
    _add_province(data)
    regions = load_regions()
    variables = load_variables()
    order = [PROVINCE, *[r.code for r in regions.children(PROVINCE)]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for code in order:
        for variable in variables:
            for year in YEARS:
                key = (code, variable.code, year)
                if key not in data.values:
                    continue
                writer.writerow(
                    [
                        code,
                        regions.get(code).name_zh,
                        year,
                        variable.code,
                        _format(*data.values[key]),
                        variable.unit,
                        source_text(seed),
                        data.notes.get(key, ""),
                    ]
                )
    return buffer.getvalue()


def default_output() -> Path:
    return data_path(OUTPUT_NAME)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ecer.demo.generate", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=None, help=f"output CSV (default: ecer/demo/data/{OUTPUT_NAME})"
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    args = parser.parse_args(argv)
    out: Path = args.out or default_output()
    text = render(args.seed)
    out.write_bytes(text.encode("utf-8"))
    print(
        f"wrote {out} ({text.count(chr(10)) - 1} rows, seed {args.seed}); illustrative, not official statistics"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
