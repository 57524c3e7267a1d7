"""What each step of a case's timeline is called, for the tracking page, the workbenches and the API."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "submitted": _("Application received"),
    "accepted": _("Accepted"),
    "deemed_accepted": _("Deemed accepted (no decision on acceptance within 5 working days)"),
    "supplement_requested": _("Supplement notice issued"),
    "supplement_override_granted": _("Second supplement notice allowed by a supervisor"),
    "supplement_received": _("Supplement received"),
    "refused": _("Not accepted"),
    "task_completed": _("Step completed"),
    "special_procedure_started": _("Special procedure started (clock stopped)"),
    "approved": _("Licence granted"),
    "denied": _("Licence denied"),
    "extended": _("Time limit extended"),
    "issued": _("Result issued"),
    "delivered": _("Result handed out or sent"),
    "receipt_confirmed": _("Receipt confirmed"),
    "withdrawn": _("Withdrawn"),
    "fee_notice_issued": _("Fee notice issued"),
    "fee_paid": _("Fee paid"),
}
