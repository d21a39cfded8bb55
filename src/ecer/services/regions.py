"""Use case: the region tree (public master data: GB/T 2260 codes and names)."""

from __future__ import annotations

from typing import Any

from ecer.services.actor import Actor


def list_regions(*, actor: Actor) -> list[dict[str, Any]]:
    """Every region in tree order: code, parent code, level, names, zone."""
    from ecer.masterdata.models import Region

    regions = list(Region.objects.order_by("path"))
    by_path = {r.path: r.code for r in regions}
    step = Region.steplen
    return [{"code": r.code, "parent": by_path.get(r.path[:-step]), "level": r.level, "name_zh": r.name_zh,
             "name_en": r.name_en, "zone": r.zone} for r in regions]


def region_names(codes: list[str] | set[str] | frozenset[str], lang: str = "zh") -> dict[str, str]:
    """{code: name in `lang`} for the codes known to the region table (unknown codes are left out)."""
    from ecer.masterdata.models import Region

    field = "name_en" if lang == "en" else "name_zh"
    return dict(Region.objects.filter(code__in=list(codes)).values_list("code", field))
