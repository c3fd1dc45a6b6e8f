"""API glue shared by every app's router: pagination, error shapes, documented responses."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import PaginationBase


class ErrorOut(Schema):
    detail: Any = Field(
        ..., description="A message, or for validation errors a list naming each field (`loc`)."
    )


# Documented on every operation so the OpenAPI description is complete.
ERRORS_READ = {404: ErrorOut, 422: ErrorOut}
ERRORS_LIST = {422: ErrorOut}


class PageNumber(PaginationBase):
    """``?page=&page_size=`` (max 200) → ``{"items": [...], "count": N}``."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000, description="Page number, from 1.")
        page_size: int = Field(50, ge=1, le=200, description="Rows per page (at most 200).")

    class Output(Schema):
        items: list[Any]
        count: int

    items_attribute = "items"

    def paginate_queryset(self, queryset, pagination: Input, **params):
        offset = (pagination.page - 1) * pagination.page_size
        count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
        return {"items": list(queryset[offset : offset + pagination.page_size]), "count": count}
