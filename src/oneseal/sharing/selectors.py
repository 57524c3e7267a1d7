"""Reads of the sharing app, scoped to the acting user (policy.py says who sees what).

A push or finding the user may not see is answered exactly like one that does not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from . import policy
from .models import FindingStatus, RegulatorFinding, RegulatorPush, WebhookEndpoint

PUSH_STATES = ("unclaimed", "claimed", "overdue", "escalated")
FINDING_STATES = tuple(FindingStatus.values)


def _pushes() -> QuerySet[RegulatorPush]:
    return RegulatorPush.objects.select_related("item", "department", "issuing_department", "claimed_by")


def filter_pushes(qs: QuerySet[RegulatorPush], state: str | None, now: dt.datetime | None = None
                  ) -> QuerySet[RegulatorPush]:
    """unclaimed; claimed; overdue = unclaimed past its claim deadline; escalated = sent to supervision."""
    now = now or timezone.now()
    if state == "unclaimed":
        return qs.filter(claimed_at__isnull=True)
    if state == "claimed":
        return qs.filter(claimed_at__isnull=False)
    if state == "overdue":
        return qs.filter(claimed_at__isnull=True, due_at__lt=now)
    if state == "escalated":
        return qs.filter(escalated_at__isnull=False)
    return qs


def pushes_for(user: Any, state: str | None = None) -> QuerySet[RegulatorPush]:
    """A regulator's inbox: the pushes of their department (none for anyone else)."""
    department = policy.regulator_department(user)
    if department is None:
        return RegulatorPush.objects.none()
    return filter_pushes(_pushes().filter(department_id=department), state)


def push_for(user: Any, pk: int) -> RegulatorPush | None:
    """One push the user may see: a regulator's own department's, or an escalated one for a supervisor."""
    department = policy.regulator_department(user)
    scope = Q(department_id=department) if department is not None else Q(pk__in=[])
    if policy.is_supervisor(user):
        scope |= Q(escalated_at__isnull=False)
    return _pushes().filter(scope, pk=pk).first()


def escalations_for(user: Any, state: str | None = None) -> QuerySet[RegulatorPush]:
    """Supervision's view: every escalated push, unclaimed ones first (state "unclaimed" / "claimed")."""
    if not policy.is_supervisor(user):
        return RegulatorPush.objects.none()
    qs = _pushes().filter(escalated_at__isnull=False)
    if state in ("unclaimed", "claimed"):
        qs = filter_pushes(qs, state)
    return qs.order_by("claimed_at", "-escalated_at", "-pk")


def findings_for(user: Any, status: str | None = None) -> QuerySet[RegulatorFinding]:
    """Findings the user deals with: those their department received (approvers, bureau head) and those
    their department filed (regulators)."""
    scope = Q(pk__in=[])
    received = policy.bureau_department(user)
    if received is not None:
        scope |= Q(issuing_department_id=received)
    filed = policy.regulator_department(user)
    if filed is not None:
        scope |= Q(department_id=filed)
    qs = (RegulatorFinding.objects.filter(scope)
          .select_related("push", "push__item", "department", "issuing_department", "filed_by"))
    if status in FINDING_STATES:
        qs = qs.filter(status=status)
    return qs


def finding_for(user: Any, pk: int) -> RegulatorFinding | None:
    return findings_for(user).filter(pk=pk).first()


def endpoints_for(user: Any) -> QuerySet[WebhookEndpoint]:
    """The webhook endpoints of a regulator's department (all of them for an administrator)."""
    from oneseal.accounts.roles import RoleCode, has_role

    if has_role(user, RoleCode.ADMINISTRATOR):
        return WebhookEndpoint.objects.select_related("department")
    department = policy.regulator_department(user)
    if department is None:
        return WebhookEndpoint.objects.none()
    return WebhookEndpoint.objects.filter(department_id=department).select_related("department")


def endpoint_for(user: Any, pk: int) -> WebhookEndpoint | None:
    return endpoints_for(user).filter(pk=pk).first()


def inbox_counts(user: Any) -> dict[str, int]:
    base = pushes_for(user)
    now = timezone.now()
    return {state: filter_pushes(base, state, now).count() for state in ("unclaimed", "overdue")}
