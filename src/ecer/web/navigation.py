"""The site's navigation as data: top-level items and menus of related pages.

Twelve flat items wrapped the header onto two rows at 1280 px (three in English), so related pages
share a menu: the targets and their assessment, monitoring and its alarms, the ledgers. A page adds
itself here, not in the template. An item is active when the request path starts with one of its
prefixes; a menu is active when one of its items is.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    prefixes: tuple[str, ...]  # request paths that make this item active ("=/x/" means exactly /x/)
    login: bool = True  # shown to signed-in users only
    key: str = ""

    def match_length(self, path: str) -> int:
        """The length of the longest prefix that matches `path`, or -1 when none does."""
        lengths = [len(p) for p in self.prefixes
                   if (path == p[1:] if p.startswith("=") else path.startswith(p))]
        return max(lengths, default=-1)


@dataclass(frozen=True)
class NavMenu:
    key: str
    label: str
    items: tuple[NavItem, ...]


NAVIGATION: tuple[NavItem | NavMenu, ...] = (
    NavItem(_("Overview"), "/", ("=/", "/regions/"), login=False),
    NavMenu("targets", _("Targets and assessment"), (
        NavItem(_("Indicators"), "/indicators/", ("/indicators/",), login=False),
        NavItem(_("Targets"), "/targets/", ("=/targets/",), login=False),
        NavItem(_("Decomposition"), "/decomposition/", ("/decomposition/",), login=False),
        NavItem(_("Assessment"), "/assessment/", ("/assessment/",), login=False),
    )),
    NavMenu("monitoring", _("Monitoring"), (
        NavItem(_("Monitoring overview"), "/monitoring/", ("/monitoring/",), login=False, key="monitoring"),
        NavItem(_("Alarms"), "/monitoring/alarms/", ("/monitoring/alarms/",), key="alarms"),
    )),
    NavMenu("ledgers", _("Ledgers"), (
        NavItem(_("Energy units"), "/energy/units/", ("/energy/units/",)),
        NavItem(_("Energy reports"), "/energy/reports/", ("/energy/reports/",)),
        NavItem(_("Energy-use budgets"), "/energy/budgets/", ("/energy/budgets/",)),
        NavItem(_("Energy reconciliation"), "/energy/reconciliation/", ("/energy/reconciliation/",)),
        NavItem(_("Key projects"), "/projects/", ("/projects/",)),
        NavItem(_("Two-high projects"), "/two-high/", ("/two-high/",)),
        NavItem(_("Tasks"), "/tasks/", ("/tasks/",)),
    )),
    NavItem(_("Submissions"), "/collection/", ("/collection/",)),
    NavItem(_("Reports"), "/reports/", ("/reports/",)),
)


@dataclass(frozen=True)
class ShownItem:
    label: str
    href: str
    active: bool
    key: str


@dataclass(frozen=True)
class ShownMenu:
    key: str
    label: str
    items: tuple[ShownItem, ...]

    @property
    def active(self) -> bool:
        return any(item.active for item in self.items)


def navigation(request: HttpRequest) -> list[ShownItem | ShownMenu]:
    """What the header shows this visitor: the items they may open, the one they are on marked.

    Within a menu the longest matching prefix wins, so /monitoring/alarms/ marks Alarms, not Monitoring.
    A menu left with one item is shown as that item.
    """
    path = request.path
    signed_in = bool(getattr(request, "user", None) and request.user.is_authenticated)
    visible = [entry for entry in NAVIGATION if isinstance(entry, NavMenu) or signed_in or not entry.login]
    best = _best_match(path, [item for entry in visible for item in _items(entry) if signed_in or not item.login])
    shown: list[ShownItem | ShownMenu] = []
    for entry in visible:
        items = tuple(ShownItem(str(i.label), i.href, i is best, i.key) for i in _items(entry)
                      if signed_in or not i.login)
        if isinstance(entry, NavItem):
            shown.extend(items)
        elif len(items) == 1:
            shown.append(items[0])
        elif items:
            shown.append(ShownMenu(entry.key, str(entry.label), items))
    return shown


def _items(entry: NavItem | NavMenu) -> tuple[NavItem, ...]:
    return entry.items if isinstance(entry, NavMenu) else (entry,)


def _best_match(path: str, items: list[NavItem]) -> NavItem | None:
    best = max(items, key=lambda item: item.match_length(path), default=None)
    return best if best is not None and best.match_length(path) >= 0 else None
