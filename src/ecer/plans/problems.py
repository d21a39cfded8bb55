"""Turn validation findings into `Problem`s that name the file, the entry, the field and the YAML line.

Pydantic's own messages and locations are translated here: a user sees
"targets[3] (code=xyz), field 'unit': unknown unit 'kg' (line 57)", never a pydantic dump.
"""

from __future__ import annotations

import reprlib
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from ecer.errors import Problem
from ecer.plans.yamlsource import Path_, YamlSource

_PATTERN_HINTS = {
    "clause": "not a clause reference like 二 or 三(五) (chapter numeral, optional section numeral in ASCII parentheses)",
    "region": "not a 6-digit GB/T 2260 region code",
}
# Values quoted in messages are cut short: a message never repeats a large (or alias-expanded) value.
_SHORT = reprlib.Repr()  # keyword arguments only from Python 3.12
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxstring, _SHORT.maxother = 2, 4, 4, 60, 60


def shown(value: Any) -> str:
    """A value as quoted in a problem message: repr, at most a line long."""
    return _SHORT.repr(value)


_CODE_HINT = "not a valid code (lowercase letters, digits, '_' and '-', starting with a letter or digit)"


def _ident(value: Any) -> str:
    text = str(value) if isinstance(value, str | int) else shown(value)
    return text if len(text) <= 80 else shown(text)


def entry_label(section: str, index: int, raw: Any) -> str:
    """How a user finds a list entry: its position plus its identifying fields when it has them."""
    label = f"{section}[{index}]"
    if not isinstance(raw, dict):
        return label
    keys: tuple[str, ...] = ("region", "indicator") if section == "regional_targets" else ("target", "year")
    if "code" in raw:
        keys = ("code",)
    ident = ", ".join(f"{key}={_ident(raw[key])}" for key in keys if key in raw)
    return f"{label} ({ident})" if ident else label


def field_label(loc: Sequence[str | int]) -> str:
    """('lead_departments', 0) → 'lead_departments[0]'; ('annual', 2023) → 'annual.2023'."""
    text = ""
    for part in loc:
        if part == "[key]":
            text += " (key)"
        elif isinstance(part, int) and text and not text.endswith("annual"):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _describe(error: Any) -> str:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    last = next((p for p in reversed(error["loc"]) if isinstance(p, str) and p != "[key]"), "")
    messages = {
        "missing": "required field is missing",
        "extra_forbidden": "unknown field (not part of the plan format; check the spelling)",
        "list_type": f"must be a list, got {shown(value)}",
        "dict_type": f"must be a mapping, got {shown(value)}",
        "model_type": f"must be a mapping of fields, got {shown(value)}",
        "string_too_short": "must not be empty",
        "string_type": f"must be text, got {shown(value)}",
        "literal_error": f"{shown(value)} is not allowed; expected one of {ctx.get('expected', '')}",
        "float_parsing": f"{shown(value)} is not a number",
        "float_type": f"{shown(value)} is not a number",
        "int_parsing": f"{shown(value)} is not a whole number",
        "int_type": f"{shown(value)} is not a whole number",
        "int_from_float": f"{shown(value)} is not a whole number",
        "greater_than_equal": f"{shown(value)} is too small (minimum {ctx.get('ge')})",
        "less_than_equal": f"{shown(value)} is too large (maximum {ctx.get('le')})",
        "string_too_long": f"{shown(value)} is too long (at most {ctx.get('max_length')} characters)",
        "bool_type": f"{shown(value)} is not true or false",
        "bool_parsing": f"{shown(value)} is not true or false",
    }
    if kind == "string_pattern_mismatch":
        return f"{shown(value)} is {_PATTERN_HINTS.get(last, _CODE_HINT)}"
    if kind.startswith("date"):
        return f"{shown(value)} is not a date (write YYYY-MM-DD)"
    if kind in messages:
        return messages[kind]
    # Unforeseen pydantic error kinds: keep the one-line reason, never the whole dump.
    return f"invalid value {shown(value)}: {str(error.get('msg', kind)).lower()}"


class ProblemSink:
    """Collects problems for one file, adding the YAML line of the entry or field to each."""

    def __init__(self, filename: str, source: YamlSource | None = None) -> None:
        self.filename = filename
        self.source = source
        self.problems: list[Problem] = []

    def add(self, location: str, message: str, field: str | None = None, path: Path_ = ()) -> None:
        line = self.source.line_of(path) if self.source is not None and path else None
        if line is not None:
            message = f"{message} (line {line})"
        self.problems.append(Problem(self.filename, location, message, field))

    def add_validation_error(self, exc: ValidationError, location: str, path: Path_) -> None:
        for error in exc.errors():
            loc = tuple(p for p in error["loc"])
            self.add(location, _describe(error), field_label(loc) or None, (*path, *loc))
