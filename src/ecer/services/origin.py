"""Where the current action comes from (client address and user agent), for the audit log.

Set once per web request by `ecer.site.origin.RequestOriginMiddleware` (pages, API and the admin
alike) and read by `ecer.services.audit.record`, so no page, endpoint or service has to pass it along.
Outside a request (CLI, background jobs) it is empty and the actor's own `source` (`cli:user@host`)
is recorded instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

#: The longest user agent kept (browsers send ~150 characters; longer ones are cut, not refused).
USER_AGENT_MAX = 300


@dataclass(frozen=True)
class Origin:
    address: str = ""
    user_agent: str = ""


NO_ORIGIN = Origin()
_current: ContextVar[Origin] = ContextVar("ecer_request_origin", default=NO_ORIGIN)


def current_origin() -> Origin:
    return _current.get()


@contextmanager
def acting_from(address: str, user_agent: str = "") -> Iterator[Origin]:
    """Everything recorded inside the block comes from `address` with `user_agent`."""
    origin = Origin(address[:200], user_agent[:USER_AGENT_MAX])
    token = _current.set(origin)
    try:
        yield origin
    finally:
        _current.reset(token)
