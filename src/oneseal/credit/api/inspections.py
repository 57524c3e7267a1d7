"""The credit API: inspections."""

from ninja import Router

router = Router(tags=["credit"])
