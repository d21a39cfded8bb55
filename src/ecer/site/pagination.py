"""Pagination of the API's list endpoints (django-ninja `PageNumberPagination`).

`?page=N` (from 1) and optionally `?page_size=M`; the response is `{"items": [...], "count": total}`.
PAGE_SIZE is the default page size, MAX_PAGE_SIZE the largest a client may ask for (documented in
docs/api.md and in each endpoint's OpenAPI description).
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

#: Items per page when the client does not ask (observations: 100 rows ≈ 30 kB of JSON).
PAGE_SIZE = 100
#: The most a client may ask for with `page_size`.
MAX_PAGE_SIZE = 1000
#: The highest page number accepted: beyond it the row offset would not fit the database (400, not 500).
MAX_PAGE = 1_000_000


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=10**9)

    def __init__(self, page_size: int = PAGE_SIZE, max_page_size: int = MAX_PAGE_SIZE, **kwargs: Any) -> None:
        super().__init__(page_size=page_size, max_page_size=max_page_size, **kwargs)
