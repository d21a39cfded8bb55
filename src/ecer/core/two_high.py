"""两高一低 (plan §四(三)): is a project high in energy use, high in emissions, low in level, and may a
new one go ahead under its city's energy-use budget and total-consumption light (pure; no Django).

The criteria are catalog data (`catalogs/data/two_high_criteria.csv`, each row with its source and
whether it is `assumed`): the industries (GB/T 4754-2017 divisions) that count as 两高 and, per
industry, the yearly energy use and emissions from which a project of it is "high". "Low level" compares
the project's energy use per unit of product with the baseline level (基准水平) and the benchmark level
(标杆水平) of its product, typed with the project because the product catalogs differ by industry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    BENCHMARK = "benchmark"  # at or better than the benchmark level (标杆水平)
    BASELINE = "baseline"  # between benchmark and baseline (达到基准水平)
    LOW = "low"  # worse than the baseline level (低于基准水平: 低水平)
    UNKNOWN = "unknown"  # no unit energy use or no baseline given


LEVEL_NAMES = {Level.BENCHMARK: ("达到标杆水平", "at the benchmark level"),
               Level.BASELINE: ("达到基准水平", "at the baseline level"),
               Level.LOW: ("低于基准水平（低水平）", "below the baseline level (low level)"),
               Level.UNKNOWN: ("未评估能效水平", "level not assessed")}


@dataclass(frozen=True)
class Criterion:
    """One industry of the 两高 list and the thresholds of a "high" project of it."""

    industry: str  # GB/T 4754-2017 division, two digits
    sector_zh: str  # 煤电 / 石化 / 化工 / 钢铁 / 有色 / 建材
    energy_tce: float  # yearly comprehensive energy use (t of standard coal, equivalent) from which it is high
    emissions_t: float  # yearly emissions of the main pollutants added (t) from which it is high
    source: str
    status: str  # published | assumed


@dataclass(frozen=True)
class Classification:
    listed: bool  # the industry is on the 两高 list
    high_energy: bool
    high_emission: bool
    two_high: bool  # listed and high in energy use or in emissions
    level: Level
    two_high_one_low: bool  # 两高 and low level
    reasons_zh: tuple[str, ...]
    reasons_en: tuple[str, ...]


def level_of(unit_energy: float | None, baseline: float | None, benchmark: float | None) -> Level:
    """Lower is better (energy per unit of product)."""
    if unit_energy is None or baseline is None:
        return Level.UNKNOWN
    if benchmark is not None and unit_energy <= benchmark:
        return Level.BENCHMARK
    return Level.BASELINE if unit_energy <= baseline else Level.LOW


def classify(industry: str, energy_tce: float, emissions_t: Mapping[str, float], unit_energy: float | None,
             baseline: float | None, benchmark: float | None, criteria: Mapping[str, Criterion]) -> Classification:
    crit = criteria.get(industry)
    total = sum(emissions_t.values())
    level = level_of(unit_energy, baseline, benchmark)
    zh: list[str] = []
    en: list[str] = []
    if crit is None:
        zh.append(f"行业{industry}不在两高行业目录中")
        en.append(f"industry {industry} is not on the 两高 list")
        return Classification(False, False, False, False, level, False, tuple(zh), tuple(en))
    high_energy = energy_tce >= crit.energy_tce
    high_emission = total >= crit.emissions_t
    zh.append(f"{crit.sector_zh}（行业{industry}）：年综合能耗{energy_tce:g}吨标准煤"
              f"{'≥' if high_energy else '<'}{crit.energy_tce:g}，主要污染物排放{total:g}吨/年"
              f"{'≥' if high_emission else '<'}{crit.emissions_t:g}（{crit.status}）")
    en.append(f"{crit.sector_zh} (industry {industry}): energy use {energy_tce:g} tce/yr "
              f"{'≥' if high_energy else '<'} {crit.energy_tce:g}, main pollutants {total:g} t/yr "
              f"{'≥' if high_emission else '<'} {crit.emissions_t:g} ({crit.status})")
    two_high = high_energy or high_emission
    zh_level, en_level = LEVEL_NAMES[level]
    if level is not Level.UNKNOWN:
        zh.append(f"单位产品能耗{unit_energy:g}，基准水平{baseline:g}" + (f"、标杆水平{benchmark:g}" if benchmark else "")
                  + f" → {zh_level}")
        en.append(f"energy per unit {unit_energy:g}, baseline {baseline:g}" + (f", benchmark {benchmark:g}" if benchmark else "")
                  + f" → {en_level}")
    else:
        zh.append(zh_level)
        en.append(en_level)
    return Classification(True, high_energy, high_emission, two_high, level, two_high and level is Level.LOW,
                          tuple(zh), tuple(en))


class BudgetVerdict(StrEnum):
    FITS = "fits"  # the city's budget has room for the project and its light is green
    NEEDS_OFFSET = "needs_offset"  # the light is yellow or red, or the project exceeds the room: 等量或减量替代
    UNKNOWN = "unknown"  # no budget or light for the city and year


@dataclass(frozen=True)
class BudgetCheck:
    verdict: BudgetVerdict
    year: int | None
    light: str | None
    budget_10k_tce: float | None
    actual_10k_tce: float | None
    room_10k_tce: float | None  # budget − actual (negative: over budget)
    project_10k_tce: float
    text_zh: str
    text_en: str


def budget_check(project_tce: float, year: int | None, light: str | None, budget_10k_tce: float | None,
                 actual_10k_tce: float | None) -> BudgetCheck:
    """A new 两高 project against its city's energy-use budget (用能预算) and total-consumption light:
    it fits only when the light is green (or exempt) and its yearly energy use fits the room left."""
    project = project_tce / 10_000
    if budget_10k_tce is None or actual_10k_tce is None or light is None:
        return BudgetCheck(BudgetVerdict.UNKNOWN, year, light, budget_10k_tce, actual_10k_tce, None, project,
                           "无该市用能预算或能源消费总量预警，无法校核", "no energy-use budget or light for the city: not checked")
    room = budget_10k_tce - actual_10k_tce
    fits = light in ("green", "exempt") and project <= room
    light_zh = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "exempt": "免考核"}.get(light, light)
    zh = (f"{year}年用能预算{budget_10k_tce:.2f}万吨标准煤，实际{actual_10k_tce:.2f}，余量{room:.2f}；能源消费总量{light_zh}；"
          f"项目年综合能耗{project:.2f}万吨标准煤 → " + ("可在预算内安排" if fits else "需落实能耗等量或减量替代"))
    en = (f"{year}: budget {budget_10k_tce:.2f} 10⁴ tce, actual {actual_10k_tce:.2f}, room {room:.2f}; total-consumption "
          f"light {light}; project {project:.2f} 10⁴ tce/yr → " + ("fits the budget" if fits else
                                                                  "needs an equal or larger offset (等量或减量替代)"))
    return BudgetCheck(BudgetVerdict.FITS if fits else BudgetVerdict.NEEDS_OFFSET, year, light, budget_10k_tce,
                       actual_10k_tce, room, project, zh, en)
