"""Funding programmes, calls, applications, awards and disbursements under /api/v1/."""

from ninja import Router

router = Router(tags=["programmes"])
