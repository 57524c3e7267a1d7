"""The Zaoyang scenario's part of this app, loaded by `oneseal demo load` after the cases.

The demo's decided cases set off `cases.approved` / `cases.denied` events when they were loaded. Here
the push subscriber delivers them (only it: the loader delivers the rest of the outbox afterwards, as
the worker would), so every decided case is pushed to its item's supervising department, dated at its
decision. demo-regulator (赵丽娟) works in the market regulation bureau (SCJGJ), which supervises the
business-registration items of the demo's closed cases, so their inbox is not empty. Then:

* demo-regulator claims the oldest of their pushes;
* demo-regulator sends one finding (a rectification order) back to the bureau, for demo-approver and
  demo-head to handle in their findings inbox;
* the sweep runs as of now: every push left unclaimed past its deadlines (the demo's decisions are days
  old) is reminded and escalated, so demo-supervisor sees escalations, and demo-regulator's inbox shows
  overdue, escalated pushes beside the claimed one.

The licences the licences app issues for these cases reach the same inbox when the loader delivers the
outbox. No webhook endpoint is made (there is no receiving system in the demo). Loading twice creates
nothing new.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from oneseal.kernel import events

from . import services
from .models import FindingKind, RegulatorFinding, RegulatorPush
from .receivers import PUSH_SUBSCRIBER

REGULATOR = "demo-regulator"
FINDING_TEXT = "经事中检查，该市场主体经营场所公示信息与登记信息不一致，已责令限期整改，请审批局核查登记材料。"
FINDING_BASIS = "《市场主体登记管理条例》第四十六条"


def load() -> int:
    """Make the demo's pushes, one claim, one finding and the sweep; return how many objects were created."""
    before = RegulatorPush.objects.count() + RegulatorFinding.objects.count()
    for _round in range(100):  # only the push subscriber; its own deliveries of webhooks come later
        if events.dispatch(subscriber_prefix=PUSH_SUBSCRIBER, batch=200).claimed == 0:
            break
    regulator = get_user_model().objects.filter(username=REGULATOR).first()
    if regulator is not None:
        mine = RegulatorPush.objects.filter(department__staff__user=regulator).order_by("occurred_at", "pk")
        with transaction.atomic():
            oldest = mine.first()
            if oldest is not None and not mine.filter(claimed_at__isnull=False).exists():
                services.claim_push(actor=regulator, push=oldest, note="已认领，纳入事中监管")
            target = mine.filter(kind="approved").first()
            if target is not None and not RegulatorFinding.objects.filter(push__in=mine).exists():
                services.file_finding(actor=regulator, push=target, kind=FindingKind.RECTIFICATION,
                                      text=FINDING_TEXT, legal_basis=FINDING_BASIS)
    services.sweep_pushes()
    return RegulatorPush.objects.count() + RegulatorFinding.objects.count() - before
