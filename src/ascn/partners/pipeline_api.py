"""The deal pipeline (engagements) under /api/v1/."""

from ninja import Router

router = Router(tags=["engagements"])
