"""The unified social credit code (统一社会信用代码) of GB 32100-2015, and its check character.

An 18-character code: registration authority (1), organisation category (1), GB/T 2260 region of
registration (6), the organisation code of GB 11714 (9, itself ending in a check character), and a
check character over the first 17. The alphabet is the digits and the capital letters without
I, O, S, V and Z (31 characters, values 0–30). The check character C18 is

    C18 = 31 − (Σ Cᵢ · Wᵢ mod 31),  Wᵢ = 3^(i−1) mod 31,  with 31 written as 0,

(GB 32100-2015 §5 and annex B). Only the check character and the alphabet are checked here: the
registration authority and category tables change with the regulator's notices, and a region code
may be one that no longer exists (a code is kept when a county is merged).
"""

from __future__ import annotations

from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
LENGTH = 18


@dataclass(frozen=True)
class CreditCodeProblem:
    """Why a code is not a valid unified social credit code (`position` is 1-based, or None)."""

    code: str
    reason: str
    position: int | None = None

    def __str__(self) -> str:
        where = f" (character {self.position})" if self.position else ""
        return f"{self.code!r} is not a valid unified social credit code{where}: {self.reason}"


class InvalidCreditCode(ValueError):  # noqa: N818 - the domain word
    def __init__(self, problem: CreditCodeProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def check_character(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters (already in the alphabet)."""
    total = sum(VALUES[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problem(code: str) -> CreditCodeProblem | None:
    """None when `code` is a valid credit code, else what is wrong with it (first problem only)."""
    if len(code) != LENGTH:
        return CreditCodeProblem(code, f"it has {len(code)} characters, a credit code has {LENGTH}")
    for i, c in enumerate(code, start=1):
        if c not in VALUES:
            hint = " (lower-case letters are not used)" if c.upper() in VALUES else ""
            return CreditCodeProblem(code, f"{c!r} is not in the code's alphabet "
                                           f"(digits and A–Y without I, O, S, V, Z){hint}", i)
    if not code[2:8].isdigit():
        return CreditCodeProblem(code, f"characters 3–8 must be a six-digit region code, not {code[2:8]!r}", 3)
    expected = check_character(code[:17])
    if code[17] != expected:
        return CreditCodeProblem(code, f"the check character is {code[17]!r}, the first 17 characters give "
                                       f"{expected!r} (GB 32100-2015)", 18)
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None


def validate(code: str) -> str:
    """The code, stripped; raises InvalidCreditCode naming the problem."""
    code = code.strip()
    found = problem(code)
    if found is not None:
        raise InvalidCreditCode(found)
    return code


def complete(first17: str) -> str:
    """The full code for 17 characters (for generating illustrative codes)."""
    if len(first17) != LENGTH - 1 or any(c not in VALUES for c in first17):
        raise ValueError(f"{first17!r}: 17 characters of the credit-code alphabet needed")
    return first17 + check_character(first17)
