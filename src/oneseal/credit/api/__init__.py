"""The credit API under /api/v1/credit: records, commitments, inspections (one router each)."""

from ninja import Router

from .commitments import router as commitments_router
from .inspections import router as inspections_router
from .records import router as records_router

router = Router(tags=["credit"])
router.add_router("", records_router)
router.add_router("/commitments", commitments_router)
router.add_router("/inspections", inspections_router)
