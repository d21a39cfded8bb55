"""Unit and indicator catalogs, and the indicator formula mini-language."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecer.catalogs.formula import Constant, Direct, FormulaError, Ratio, Var, parse_formula
from ecer.catalogs.indicators import INDICATOR_COLUMNS, load_indicators, parse_indicators_file
from ecer.catalogs.units import load_units, parse_units_file
from ecer.errors import InputFileError

# The unit codes of the shared contract (common brief); every one must be in the catalog.
CONTRACT_UNITS = [
    "pct",
    "10k_tce",
    "tce",
    "100m_yuan",
    "10k_yuan",
    "index_prev_year_100",
    "100m_kwh",
    "10k_kwh",
    "kwh",
    "10k_t",
    "t",
    "10k_m3",
    "m3",
    "10k_m2",
    "m2",
    "person",
    "10k_km",
    "km",
    "10k_m3_per_day",
    "tce_per_10k_yuan",
    "m3_per_10k_yuan",
    "kgce_per_m2",
    "kgce_per_person",
    "m3_per_person",
    "kgco2_per_m2",
    "t_co2",
    "10k_t_co2",
    "kgce_per_kg",
    "kgce_per_m3",
    "kgce_per_kwh",
    "kgce_per_mj",
    "kgco2_per_kg",
    "kgco2_per_m3",
    "kgco2_per_kwh",
    "mg_per_m3",
    "mg_per_l",
    "l_per_s",
    "m3_per_h",
    "count",
]


def test_contract_units_present() -> None:
    units = load_units()
    assert set(CONTRACT_UNITS) <= set(units)
    assert units["10k_tce"].name_zh == "万吨标准煤"
    assert all(unit.source for unit in units.values())


def test_contract_indicators_present_with_units() -> None:
    indicators = load_indicators()
    assert indicators["energy_intensity"].unit == "tce_per_10k_yuan"
    assert indicators["energy_intensity"].formula == Ratio(
        Var("energy_total"), Constant("gdp_current", "gdp_index")
    )
    assert indicators["non_fossil_share"].formula == Ratio(
        Var("non_fossil_energy"), Var("energy_total"), 100.0, is_share=True
    )
    assert indicators["straw_utilisation_rate"].formula == Direct(Var("straw_utilisation_rate"))
    for code in ("cod_emission", "nh3n_emission", "nox_emission", "voc_emission"):
        assert indicators[code].unit == "10k_t"


def test_indicator_variables_exist_in_variables_catalog() -> None:
    variables = pytest.importorskip("ecer.catalogs.variables").load_variables()
    missing = {i.code: [v for v in i.variables() if v not in variables] for i in load_indicators().values()}
    assert {code: vs for code, vs in missing.items() if vs} == {}


@pytest.mark.parametrize(
    ("text", "variables"),
    [
        ("direct:x", ("x",)),
        ("ratio: a / b", ("a", "b")),
        ("ratio:a/constant(c,i)*0.1", ("a", "c", "i")),
        ("share:constant(c,i)/constant(c,j)", ("c", "i", "j")),
    ],
)
def test_formula_variables(text: str, variables: tuple[str, ...]) -> None:
    assert parse_formula(text).variables() == variables


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("x", "no kind"),
        ("sum:a/b", "unknown kind"),
        ("direct:a/b", "one variable"),
        ("ratio:a", "exactly one '/'"),
        ("ratio:a/b/c", "exactly one '/'"),
        ("ratio:a/Gdp", "bad operand"),
        ("ratio:a/constant(b)", "bad operand"),
        ("ratio:a/b*zero", "bad scale"),
        ("ratio:a/b*-1", "positive"),
        ("share:a/b*2", "no scale"),
    ],
)
def test_formula_errors(text: str, reason: str) -> None:
    with pytest.raises(FormulaError, match=reason):
        parse_formula(text)


names = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
operands = st.one_of(names.map(Var), st.builds(Constant, names, names))
formulas = st.one_of(
    names.map(lambda n: Direct(Var(n))),
    st.builds(Ratio, operands, operands, st.sampled_from([1.0, 0.1, 1000.0, 10000.0])),
    st.builds(lambda a, b: Ratio(a, b, 100.0, is_share=True), operands, operands),
)


@given(formulas)
def test_formula_text_round_trips(formula: Direct | Ratio) -> None:
    assert parse_formula(str(formula)) == formula


def test_bad_indicator_file_names_file_row_field(tmp_path: Path) -> None:
    path = tmp_path / "indicators.csv"
    header = ",".join(INDICATOR_COLUMNS)
    rows = [
        "a,甲,a,pct,higher,定义,def,direct:a,src",
        "b,乙,b,kg,lower,定义,def,direct:b,src",
        "a,丙,c,pct,higher,定义,def,direct:c,src",
        "d,丁,d,pct,higher,定义,def,ratio:d,src",
        "e,戊,e,pct,higher,,def,direct:e,src",
        "f,己,f,pct,up,定义,def,direct:f,src",
    ]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        parse_indicators_file(path)
    found = {(p.location, p.field) for p in caught.value.problems}
    assert found == {("row 3", "unit"), ("row 4", "code"), ("row 5", "formula"), ("row 6", "definition_zh"),
                     ("row 7", "direction")}
    assert all(p.file == "indicators.csv" for p in caught.value.problems)
    assert "unknown unit 'kg'" in str(caught.value)


def test_bad_units_file(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text(
        "code,name_zh,name_en,dimension,source\npct,%,percent,ratio,x\npct,%,p,ratio,y\nBad Code,x,x,x,x\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as caught:
        parse_units_file(path)
    assert {(p.location, p.field) for p in caught.value.problems} == {("row 3", "code"), ("row 4", "code")}
    path.write_text("code,name_zh\npct,%\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="missing column"):
        parse_units_file(path)
