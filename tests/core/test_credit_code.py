"""GB 32100-2015 check character, against published codes of well-known companies."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecer.core import credit_code as cc

PUBLISHED = [
    "914403001922038216",  # 华为技术有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91350100M000100Y43",  # the standard's worked example
    "91110000802100433B",  # 中国石油化工股份有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
]


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid(code: str) -> None:
    assert cc.problem(code) is None and cc.validate(f" {code} ") == code


def test_a_wrong_check_character_names_the_expected_one() -> None:
    found = cc.problem("914403001922038217")
    assert found is not None and found.position == 18 and "'6'" in found.reason


@pytest.mark.parametrize(("code", "position", "words"), [
    ("91440300192203821", None, "17 characters"),
    ("91440300I92203821X", 9, "alphabet"),
    ("9144030071526726xg", 17, "lower-case"),
    ("91AB0300192203821X", 3, "region code"),
])
def test_malformed_codes_say_where(code: str, position: int | None, words: str) -> None:
    found = cc.problem(code)
    assert found is not None and found.position == position and words in found.reason
    with pytest.raises(cc.InvalidCreditCode, match="not a valid unified social credit code"):
        cc.validate(code)


# 17 characters: registration authority and category, a six-digit region, the organisation code
alphabet17 = st.builds(lambda head, region, tail: head + region + tail,
                       st.text(alphabet=cc.ALPHABET, min_size=2, max_size=2),
                       st.text(alphabet="0123456789", min_size=6, max_size=6),
                       st.text(alphabet=cc.ALPHABET, min_size=9, max_size=9))


@given(alphabet17, st.integers(min_value=0, max_value=16), st.sampled_from(cc.ALPHABET))
def test_any_single_substitution_is_detected(first17: str, pos: int, new: str) -> None:
    code = cc.complete(first17)
    assert cc.is_valid(code)
    changed = code[:pos] + new + code[pos + 1:]
    # one changed character always changes the weighted sum mod 31 (every weight is a unit mod 31)
    assert cc.is_valid(changed) == (changed == code)
