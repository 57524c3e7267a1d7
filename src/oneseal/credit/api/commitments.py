"""The credit API: commitments."""

from ninja import Router

router = Router(tags=["credit"])
