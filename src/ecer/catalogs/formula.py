"""The indicator formula mini-language: how an indicator is computed from statistical variables.

Grammar (whitespace is ignored)::

    formula  := "direct:" VAR
              | "ratio:" operand "/" operand [ "*" NUMBER ]
              | "share:" operand "/" operand
    operand  := VAR | "constant(" VAR "," VAR ")"
    VAR      := [a-z][a-z0-9_]*

`share` is a ratio times 100 (the result is in pct). The optional `* NUMBER` on a ratio is a unit
conversion factor, written out so that it is visible in the catalog: e.g. public-institution energy
in tce divided by floor area in 10⁴ m² gives tce per 10⁴ m²; `* 0.1` turns it into kgce per m².
`constant(current, index)` is a constant-price series chained from a current-price value in the price
base year and the previous-year=100 growth index (the accounting service does the chaining).

The parser only checks syntax; whether the variables exist is the variables catalog's business.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

VAR_PATTERN = r"[a-z][a-z0-9_]*"
_VAR = re.compile(rf"^{VAR_PATTERN}$")
_CONSTANT = re.compile(rf"^constant\(({VAR_PATTERN}),({VAR_PATTERN})\)$")
SHARE_SCALE = 100.0


class FormulaError(ValueError):
    """A formula text that does not follow the grammar; the message says what is wrong."""


@dataclass(frozen=True)
class Var:
    """A statistical variable observed per region and year (code from variables.csv)."""

    code: str

    def variables(self) -> tuple[str, ...]:
        return (self.code,)

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class Constant:
    """A constant-price series: `current` (current-price value) chained by `index` (previous year = 100)."""

    current: str
    index: str

    def variables(self) -> tuple[str, ...]:
        return (self.current, self.index)

    def __str__(self) -> str:
        return f"constant({self.current},{self.index})"


Operand = Var | Constant


@dataclass(frozen=True)
class Direct:
    """The indicator is the variable itself (a level reported directly)."""

    var: Var

    def variables(self) -> tuple[str, ...]:
        return self.var.variables()

    def __str__(self) -> str:
        return f"direct:{self.var}"


@dataclass(frozen=True)
class Ratio:
    """`num / den * scale`; scale is 100 for a share (pct) and a unit conversion factor otherwise."""

    num: Operand
    den: Operand
    scale: float = 1.0
    is_share: bool = False

    def variables(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for code in (*self.num.variables(), *self.den.variables()):
            seen.setdefault(code, None)
        return tuple(seen)

    def __str__(self) -> str:
        if self.is_share:
            return f"share:{self.num}/{self.den}"
        suffix = "" if self.scale == 1.0 else f"*{self.scale:g}"
        return f"ratio:{self.num}/{self.den}{suffix}"


Formula = Direct | Ratio


def _parse_operand(text: str, whole: str) -> Operand:
    if _VAR.match(text):
        return Var(text)
    match = _CONSTANT.match(text)
    if match:
        return Constant(match.group(1), match.group(2))
    raise FormulaError(
        f"bad operand {text!r} in formula {whole!r}: expected a variable code or constant(<current>,<index>)"
    )


def _parse_scale(text: str, whole: str) -> float:
    try:
        scale = float(text)
    except ValueError:
        raise FormulaError(f"bad scale factor {text!r} in formula {whole!r}: expected a number") from None
    if not math.isfinite(scale) or scale <= 0:
        raise FormulaError(f"bad scale factor {text!r} in formula {whole!r}: must be a positive number")
    return scale


def _parse_quotient(body: str, whole: str, kind: str) -> Ratio:
    scale_text: str | None = None
    if "*" in body:
        body, scale_text = body.rsplit("*", 1)
        if kind == "share":
            raise FormulaError(f"formula {whole!r}: a share is always ×100 and takes no scale factor")
    parts = body.split("/")
    if len(parts) != 2:
        raise FormulaError(f"formula {whole!r}: {kind} needs exactly one '/' between numerator and denominator")
    num = _parse_operand(parts[0], whole)
    den = _parse_operand(parts[1], whole)
    if kind == "share":
        return Ratio(num, den, SHARE_SCALE, is_share=True)
    scale = 1.0 if scale_text is None else _parse_scale(scale_text, whole)
    return Ratio(num, den, scale)


def parse_formula(text: str) -> Formula:
    """Parse a formula text (see module docstring); raise FormulaError naming the defect."""
    compact = "".join(text.split())
    kind, sep, body = compact.partition(":")
    if not sep:
        raise FormulaError(f"formula {text!r} has no kind: expected direct:, ratio: or share:")
    if kind == "direct":
        if not _VAR.match(body):
            raise FormulaError(f"formula {text!r}: direct: takes one variable code, got {body!r}")
        return Direct(Var(body))
    if kind in ("ratio", "share"):
        return _parse_quotient(body, text, kind)
    raise FormulaError(f"formula {text!r}: unknown kind {kind!r}; expected direct, ratio or share")
