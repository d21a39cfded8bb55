"""Bilingual names: every catalog row carries name_zh and name_en; pages show the active language's."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language


def pick(zh: str, en: str) -> str:
    """The English text when the active language is English and it is present, else the Chinese."""
    lang = get_language() or "zh-hans"
    if lang.startswith("en") and en:
        return en
    return zh or en


class BilingualNamed(models.Model):
    name_zh = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return pick(self.name_zh, self.name_en)

    def __str__(self) -> str:
        code = getattr(self, "code", "")
        return f"{code} {self.name_zh}".strip()
