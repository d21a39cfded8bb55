"""Barometer levels as pages show them: a code, words in both languages and a colour. Colour is never
the only signal: every level has its words (and a pattern on the map).

Whatever status a report row carries is rendered: green/yellow/red lights, exempt (免考核), not
assessed (不考核), no target, or an error; an unknown code is shown as itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: code → (Chinese, English, colour). Order = the order of the counts on the overview.
LEVELS: dict[str, tuple[str, str, str]] = {
    "red": ("红灯", "red", "#d64541"),
    "yellow": ("黄灯", "yellow", "#e8b931"),
    "green": ("绿灯", "green", "#2e9d5b"),
    "exempt": ("免考核", "exempt", "#5b8def"),
    "not_assessed": ("不考核", "not assessed", "#9aa5b1"),
    "no_target": ("无目标", "no target", "#c4ccd4"),
    "error": ("无法计算", "cannot compute", "#c4ccd4"),
}
UNKNOWN_COLOUR = "#c4ccd4"
#: The levels always counted on the overview, even at zero.
COUNTED = ("red", "yellow", "green", "exempt")


@dataclass(frozen=True)
class Level:
    code: str
    label: str  # in the page's language
    label_zh: str
    label_en: str
    colour: str


def level_code(row: Any) -> str:
    """The level of a report row: its status when it is not an ordinary computed one, else its light."""
    status = getattr(row, "status", "ok") or "ok"
    if status != "ok":
        return str(status)
    return str(row.light or "not_assessed")


def level(code: str, lang: str) -> Level:
    zh, en, colour = LEVELS.get(code, (code, code.replace("_", " "), UNKNOWN_COLOUR))
    return Level(code, en if lang == "en" else zh, zh, en, colour)


def level_of(row: Any, lang: str) -> Level:
    return level(level_code(row), lang)


def legend(lang: str) -> list[Level]:
    return [level(code, lang) for code in LEVELS]
