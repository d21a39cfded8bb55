"""The header's navigation (ecer.web.navigation): menus of related pages, the page you are on marked."""

from __future__ import annotations

from types import SimpleNamespace

from django.test import RequestFactory

from ecer.web.navigation import ShownItem, ShownMenu, navigation


def _nav(path: str, signed_in: bool) -> list[ShownItem | ShownMenu]:
    request = RequestFactory().get(path)
    request.user = SimpleNamespace(is_authenticated=signed_in)  # type: ignore[assignment]
    return navigation(request)


def _active(entries: list[ShownItem | ShownMenu]) -> list[str]:
    items = [i for e in entries for i in (e.items if isinstance(e, ShownMenu) else (e,))]
    return [i.href for i in items if i.active]


def test_the_longest_matching_prefix_marks_the_page_and_its_menu() -> None:
    entries = _nav("/monitoring/alarms/17/", signed_in=True)
    assert _active(entries) == ["/monitoring/alarms/"]  # not /monitoring/ as well
    menu = next(e for e in entries if isinstance(e, ShownMenu) and e.key == "monitoring")
    assert menu.active
    assert _active(_nav("/monitoring/devices/X/", signed_in=True)) == ["/monitoring/"]
    assert _active(_nav("/", signed_in=True)) == ["/"]
    assert _active(_nav("/targets/extra/", signed_in=True)) == []  # "=/targets/" is exact


def test_a_visitor_sees_only_public_pages_and_a_one_item_menu_as_an_item() -> None:
    entries = _nav("/", signed_in=False)
    hrefs = [i.href for e in entries for i in (e.items if isinstance(e, ShownMenu) else (e,))]
    assert "/reports/" not in hrefs and "/projects/" not in hrefs and "/monitoring/alarms/" not in hrefs
    monitoring = [e for e in entries if getattr(e, "href", "") == "/monitoring/"]
    assert len(monitoring) == 1 and isinstance(monitoring[0], ShownItem)  # Alarms hidden: no menu of one
    assert not any(isinstance(e, ShownMenu) and e.key == "ledgers" for e in entries)  # all three need a login


def test_signed_in_the_header_has_fewer_entries_than_pages() -> None:
    entries = _nav("/", signed_in=True)
    pages = sum(len(e.items) if isinstance(e, ShownMenu) else 1 for e in entries)
    assert pages == 16 and len(entries) == 6  # 两高一低 joined the ledgers menu
