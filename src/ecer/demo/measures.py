"""Write illustrative (NOT real) reviewers' scores of the measures part (措施得分) for the demo.

    python -m ecer.demo.measures [--year 2023] [--out PATH] [--seed N]

Without `--year`, one file per demo year is written (`illustrative-measures-<year>.csv` in the
package's data directory, or in the directory `--out`); with `--year`, that year's file (to `--out`
when given). The layout is the reviewers' scores file of `ecer assess --measures`
(`region_code, item, score, max, reviewer, note`, see ecer.core.assessment_measures): one file per
year because the layout has no year column. Items and maxima are the rubric's measures items
(classic-40-60). Every row's reviewer and note say the score is illustrative.

Deterministic: the same seed gives byte-identical output. How the scores are drawn (all assumptions,
chosen only so the demo shows plausible grades): each city has a level — most cities between
STRONG_RANGE points of 60, WEAK_CITIES of them (drawn by the seed) within WEAK_RANGE — which improves
by YEARLY_GAIN points a year; each item gets its share of that level plus noise (NOISE_SHARE of its
maximum), rounded to half points and kept within 0…max.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
from importlib import resources
from pathlib import Path

from ecer.catalogs.regions import load_regions
from ecer.core.rubrics import MeasureItem, load_rubric

VERSION = "v1"
DEFAULT_SEED = 20220721  # the date of 川府发〔2022〕20号, as the statistics generator
PROVINCE = "510000"
YEARS = (2021, 2022, 2023, 2024)  # the demo's evaluation years (base year 2020 has no evaluation)
RUBRIC = "classic-40-60"
STRONG_RANGE = (46.0, 55.0)  # a city's measures level in the first year, points of 60
WEAK_RANGE = (33.0, 40.0)
WEAK_CITIES = 3
YEARLY_GAIN = 0.6
NOISE_SHARE = 0.08
REVIEWER = "示例评审组 illustrative panel"
COLUMNS = ("region_code", "item", "score", "max", "reviewer", "note")


def note_text(seed: int) -> str:
    return f"示例评分，非真实评审 / illustrative score, not a real review (ecer.demo.measures {VERSION}, seed {seed})"


def file_name(year: int) -> str:
    return f"illustrative-measures-{year}.csv"


def data_dir() -> Path:
    return Path(str(resources.files("ecer.demo").joinpath("data")))


def bundled_path(year: int) -> Path:
    """The committed illustrative scores file of `year` (it may not exist: see YEARS)."""
    return data_dir() / file_name(year)


def city_codes() -> list[str]:
    regions = load_regions()
    return [r.code for r in regions.children(PROVINCE) if r.level == "city"]


def _levels(codes: list[str], seed: int) -> dict[str, float]:
    """Each city's first-year measures level (points of 60); WEAK_CITIES of them are weaker."""
    rng = random.Random(f"{seed}:levels")
    weak = set(rng.sample(codes, WEAK_CITIES))
    return {code: rng.uniform(*(WEAK_RANGE if code in weak else STRONG_RANGE)) for code in codes}


def _item_score(item: MeasureItem, share: float, rng: random.Random) -> float:
    raw = item.max_points * share + rng.gauss(0.0, NOISE_SHARE * item.max_points)
    return min(item.max_points, max(0.0, round(raw * 2) / 2))


def measures_csv(year: int, seed: int = DEFAULT_SEED) -> str:
    """The illustrative scores file of `year` as CSV text."""
    items = load_rubric(RUBRIC).measures.items
    total_max = sum(i.max_points for i in items)
    codes = city_codes()
    levels = _levels(codes, seed)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    note = note_text(seed)
    for code in codes:
        level = min(total_max, levels[code] + YEARLY_GAIN * (year - YEARS[0]))
        rng = random.Random(f"{seed}:{code}:{year}")
        for item in items:
            score = _item_score(item, level / total_max, rng)
            writer.writerow([code, item.name_zh, f"{score:g}", f"{item.max_points:g}", REVIEWER, note])
    return buf.getvalue()


def write(year: int, out: Path, seed: int = DEFAULT_SEED) -> Path:
    out.write_text(measures_csv(year, seed), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--year", type=int, help=f"one year (default: all of {YEARS[0]}–{YEARS[-1]})")
    parser.add_argument("--out", type=Path, help="output file (with --year) or directory (without)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    if args.year is not None:
        targets = [(args.year, args.out or data_dir() / file_name(args.year))]
    else:
        directory = args.out or data_dir()
        targets = [(y, directory / file_name(y)) for y in YEARS]
    for year, path in targets:
        write(year, path, args.seed)
        print(f"wrote {path} (illustrative measures scores {year}, seed {args.seed})")


if __name__ == "__main__":
    main()
