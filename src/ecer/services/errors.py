"""Errors a service raises when a request cannot be served. Adapters map them: the CLI to a usage
or click error, the API to 400/404, the pages to a message or a 404 page.

`PermissionDenied` (not allowed) lives in `ecer.services.actor`, next to the scope rules.
"""

from __future__ import annotations


class ServiceError(Exception):
    """The request cannot be served as asked; the message says why (region, variable, year, file)."""


class InvalidRequest(ServiceError):
    """A parameter is wrong (unknown code, bad period text, year out of range). `param` names it."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


class NotFound(ServiceError):
    """The thing asked for does not exist (plan not loaded, unknown device)."""


def input_error_place(error: BaseException, lang: str = "zh") -> list[tuple[str, str]]:
    """Where an accounting input error sits, named for a reader: [("region", "广元市 (510800)"),
    ("indicator", "能源消费总量 (energy_total)"), ("year", "2023")], or [] when the error does not
    come from the accounting core. The core names codes only; pages show names beside them."""
    from ecer.core.errors import AccountingInputError
    from ecer.masterdata.models import Indicator, Region, Variable

    cause = error if isinstance(error, AccountingInputError) else error.__cause__
    if not isinstance(cause, AccountingInputError):
        return []
    field = "name_en" if lang == "en" else "name_zh"

    def named(code: str, *models: type) -> str:
        for model in models:
            name = model.objects.filter(code=code).values_list(field, flat=True).first()  # type: ignore[attr-defined]
            if name:
                return f"{name} ({code})"
        return code

    place = []
    if cause.region is not None:
        place.append(("region", named(cause.region, Region)))
    if cause.indicator is not None:
        place.append(("indicator", named(cause.indicator, Indicator, Variable)))
    if cause.year is not None:
        place.append(("year", str(cause.year)))
    return place
