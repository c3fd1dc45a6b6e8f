"""Organisations, matches and the deal pipeline under /api/v1/."""

from ninja import Router

router = Router(tags=["partners"])
