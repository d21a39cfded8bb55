"""Django merges every translation catalog into one per language: the project's (src/ecer/locale)
wins over the apps', and an app listed earlier in INSTALLED_APPS wins over a later one. A word two
catalogs translate differently therefore shows the winner's meaning on the loser's pages: the alarm
page's "Value" read 目标值 (a target value), a roll-up table's "Period" read 基期 → 目标年. Such words get
a context (`{% translate "Value" context "alarm" %}`, `pgettext`), which keeps them apart.
"""

from __future__ import annotations

import gettext
from pathlib import Path

import ecer

SRC = Path(ecer.__file__).parent

# Words translated differently where either translation reads right on every page that uses the
# word (synonyms or a wording nuance), so the merged winner is acceptable. Each entry: msgid → why.
SYNONYMS = {
    "Year": "年份 / 年度",
    "active": "有效 / 启用 (a record's state)",
    "interval": "区间 / 区间值 (a meter reading's kind)",
    "Region": "地区 / 所在地",
    "status": "状态 / 项目状态",
    "Parameters": "参数 / 核算参数",
    "Input": "输入 / 参数",
    "Why": "计算依据 / 核算说明",
    "Type": "类型 / 项目类型",
    "logger MN": "model field names (admin only): 数采仪 MN / 设备唯一标识 MN",
    "note": "说明 / 备注",
    "Note": "说明 / 备注",
    "After": "修改后 / 变更后",
    "Before": "修改前 / 变更前",
    "unit": "单位 / 计量单位",
    "Problems in the file (nothing was imported)": "wording only",
    "Nothing was imported: %(n)d problem(s) in the file.": "wording only",
    "Monitoring point": "监测点 / 监测点位",
    "Evidence file": "佐证文件 / 佐证材料文件",
    "History": "历史版本 / 变更历史",
    "Approve": "审核通过 / 通过",
    "Reason": "原因 / 理由",
    "unchanged": "未变化 / 不变",
}


def _catalogs(lang: str) -> dict[str, dict[str, str]]:
    found = {}
    for mo in sorted(SRC.glob(f"**/locale/{lang}/LC_MESSAGES/django.mo")):
        with mo.open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
        app = mo.relative_to(SRC).parts[0]
        found["project" if app == "locale" else app] = {
            str(k): str(v) for k, v in catalog.items() if k and v}
    return found


def test_no_word_means_two_things_across_the_merged_catalogs() -> None:
    catalogs = _catalogs("zh_Hans")
    assert len(catalogs) >= 8
    by_msgid: dict[str, dict[str, str]] = {}
    for name, catalog in catalogs.items():
        for msgid, text in catalog.items():
            by_msgid.setdefault(msgid, {})[name] = text
    clashes = {msgid: where for msgid, where in by_msgid.items()
               if len(set(where.values())) > 1 and msgid.split("\x04")[-1] not in SYNONYMS}
    assert not clashes, ("translated differently by two catalogs (give the word a context in one app): "
                         + "; ".join(f"{m!r}: {w}" for m, w in sorted(clashes.items())))

