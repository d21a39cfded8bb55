"""The arithmetic of the key-project reduction formulas: one function per (name, version).

Each function takes the formula's inputs already checked and converted to canonical units by
`ecer.core.reduction.resolve` (volumes in m³, masses in t, concentrations in mg/L or mg/m³,
efficiencies, loads, contents and shares in percent) and returns the full-year reduction in t/yr with
the arithmetic written out, numbers substituted, for the explanation. The formula's meaning, source
and parameters are in the catalog (ecer/catalogs/data/reduction_formulas.csv) and docs/key-projects.md.

The guide's annex formulas are not public (METHODOLOGY §7 [open]): these are the mass balances the
guide's principle states ("the difference in abatement before and after, from process parameters,
design values and average operating load"). A changed rule is a new version, never an edit: results
computed under v1 keep saying v1.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

Values = Mapping[str, float]
Formula = Callable[[Values], tuple[float, str]]

MG_L_TO_T_PER_M3 = 1e-6  # 1 mg/L × 1 m³ = 1,000 mg = 10⁻⁶ t
MG_M3_TO_T_PER_M3 = 1e-9  # 1 mg/m³ × 1 m³ = 1 mg = 10⁻⁹ t
KG_TO_T = 1e-3


def water_treatment_v1(v: Values) -> tuple[float, str]:
    """R = capacity × days × load × C_in × 10⁻⁶ × (η_after − η_before)."""
    load_t = v["capacity"] * v["operating_days"] * v["load_rate"] / 100 * v["influent_concentration"] * MG_L_TO_T_PER_M3
    r = load_t * (v["removal_after"] - v["removal_before"]) / 100
    return r, (f"{v['capacity']:g} m³/d × {v['operating_days']:g} d × {v['load_rate']:g}% × "
               f"{v['influent_concentration']:g} mg/L × 10⁻⁶ × ({v['removal_after']:g}% − {v['removal_before']:g}%)")


def air_treatment_v1(v: Values) -> tuple[float, str]:
    """R = flow × hours × load × C_in × 10⁻⁹ × (η_after − η_before)."""
    load_t = (v["flue_gas_flow"] * v["operating_hours"] * v["load_rate"] / 100 * v["inlet_concentration"]
              * MG_M3_TO_T_PER_M3)
    r = load_t * (v["removal_after"] - v["removal_before"]) / 100
    return r, (f"{v['flue_gas_flow']:g} m³/h × {v['operating_hours']:g} h × {v['load_rate']:g}% × "
               f"{v['inlet_concentration']:g} mg/m³ × 10⁻⁹ × ({v['removal_after']:g}% − {v['removal_before']:g}%)")


def closure_v1(v: Values) -> tuple[float, str]:
    """R = baseline (inventory) emission of the closed facility − its residual emission."""
    return (v["baseline_emission"] - v["residual_emission"],
            f"{v['baseline_emission']:g} t − {v['residual_emission']:g} t")


def reclaimed_water_v1(v: Values) -> tuple[float, str]:
    """R = reused volume × effluent concentration × 10⁻⁶ (reused water is no longer discharged)."""
    r = v["reuse_capacity"] * v["operating_days"] * v["load_rate"] / 100 * v["effluent_concentration"] * MG_L_TO_T_PER_M3
    return r, (f"{v['reuse_capacity']:g} m³/d × {v['operating_days']:g} d × {v['load_rate']:g}% × "
               f"{v['effluent_concentration']:g} mg/L × 10⁻⁶")


def livestock_manure_v1(v: Values) -> tuple[float, str]:
    """R = herd × generation factor × (u_after − u_before) × 10⁻³."""
    r = v["herd"] * v["generation_factor"] * (v["utilisation_after"] - v["utilisation_before"]) / 100 * KG_TO_T
    return r, (f"{v['herd']:g} pig-eq × {v['generation_factor']:g} kg/pig-eq × "
               f"({v['utilisation_after']:g}% − {v['utilisation_before']:g}%) × 10⁻³")


def voc_substitution_v1(v: Values) -> tuple[float, str]:
    """R = material used × (content_before − content_after) × emitted share."""
    r = v["material_consumption"] * (v["voc_content_before"] - v["voc_content_after"]) / 100 * v["emitted_share"] / 100
    return r, (f"{v['material_consumption']:g} t × ({v['voc_content_before']:g}% − {v['voc_content_after']:g}%) × "
               f"{v['emitted_share']:g}%")


def fuel_switch_v1(v: Values) -> tuple[float, str]:
    """R = (A_before × EF_before × (1 − η_before) − A_after × EF_after × (1 − η_after)) × 10⁻³."""
    before = v["fuel_before"] * v["factor_before"] * (1 - v["removal_before"] / 100) * KG_TO_T
    after = v["fuel_after"] * v["factor_after"] * (1 - v["removal_after"] / 100) * KG_TO_T
    return before - after, (f"{v['fuel_before']:g} × {v['factor_before']:g} kg × (1 − {v['removal_before']:g}%) × 10⁻³"
                            f" − {v['fuel_after']:g} × {v['factor_after']:g} kg × (1 − {v['removal_after']:g}%) × 10⁻³")


#: (name, version) → arithmetic. The catalog loader refuses a formula row with no entry here.
FORMULAS: dict[tuple[str, str], Formula] = {
    ("water_treatment.efficiency_gain", "1"): water_treatment_v1,
    ("air_treatment.efficiency_gain", "1"): air_treatment_v1,
    ("closure.inventory_difference", "1"): closure_v1,
    ("reclaimed_water.substitution", "1"): reclaimed_water_v1,
    ("livestock_manure.utilisation", "1"): livestock_manure_v1,
    ("voc_substitution.content_difference", "1"): voc_substitution_v1,
    ("fuel_switch.factor_difference", "1"): fuel_switch_v1,
}


def full_year_reduction(name: str, version: str, values: Values) -> tuple[float, str]:
    """Full-year reduction (t/yr) and its arithmetic; KeyError for an unknown formula version."""
    return FORMULAS[(name, version)](values)
