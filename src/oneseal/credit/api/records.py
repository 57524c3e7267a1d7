"""The credit API: records."""

from ninja import Router

router = Router(tags=["credit"])
