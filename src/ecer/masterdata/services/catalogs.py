"""Loading the bundled catalogs (regions, variables, indicators) into the relational store.

Idempotent: each row is matched on its code; an existing row is updated in place (catalog rows are
reference data, not facts), a new one is inserted. Rows are never deleted here, because observations
and targets refer to them. Departments come with plan files (see services/plans.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from ecer.catalogs.indicators import load_indicators
from ecer.catalogs.regions import load_regions
from ecer.catalogs.variables import load_variables
from ecer.masterdata.models import Indicator, Region, Variable


@dataclass(frozen=True)
class CatalogCounts:
    regions: int
    variables: int
    indicators: int


def _load_regions() -> int:
    catalog = load_regions()
    existing = {r.code: r for r in Region.objects.all()}
    for row in catalog.tree_order():  # parents before children
        fields = {"name_zh": row.name_zh, "name_en": row.name_en, "level": row.level,
                  "zone": row.zone or "", "source": row.source}
        node = existing.get(row.code)
        if node is None:
            if row.parent is None:
                node = Region.objects.add_root({"code": row.code, **fields})
            else:
                parent = Region.objects.get(code=row.parent)
                node = Region.objects.add_child(parent, {"code": row.code, **fields})
            existing[row.code] = node
            continue
        node.refresh_from_db()  # paths may have moved when siblings were inserted
        parent_node = Region.objects.get_parent(node)
        if (parent_node.code if parent_node else None) != row.parent:
            target = Region.objects.get(code=row.parent) if row.parent else None
            if target is None:
                Region.objects.move(node, Region.objects.get_first_root_node(), "last-sibling")
            else:
                Region.objects.move(node, target, "last-child")
            node.refresh_from_db()
        if any(getattr(node, k) != v for k, v in fields.items()):
            Region.objects.filter(pk=node.pk).update(**fields)
    return len(catalog)


def _load_variables() -> int:
    catalog = load_variables()
    for v in catalog:
        Variable.objects.update_or_create(code=v.code, defaults={
            "name_zh": v.name_zh, "name_en": v.name_en, "unit": v.unit, "kind": v.kind, "source": v.source})
    return len(catalog)


def _load_indicators() -> int:
    catalog = load_indicators()
    for i in catalog.values():
        Indicator.objects.update_or_create(code=i.code, defaults={
            "name_zh": i.name_zh, "name_en": i.name_en, "unit": i.unit, "definition_zh": i.definition_zh,
            "definition_en": i.definition_en, "formula": i.formula_text, "source": i.source})
    return len(catalog)


def load_catalogs() -> CatalogCounts:
    """Load (or refresh) regions, variables and indicators; returns how many rows each catalog has."""
    with transaction.atomic():
        return CatalogCounts(_load_regions(), _load_variables(), _load_indicators())
