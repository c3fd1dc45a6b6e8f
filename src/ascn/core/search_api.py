"""GET /api/v1/search: one ranked search over everything the caller may see."""

from ninja import Router

router = Router(tags=["search"])
