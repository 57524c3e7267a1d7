"""The joint-punishment check (一处失信、处处受限): which measures bind a subject now, and what that means
for an application, a commitment or a bid.

One indexed query per check: the records in effect of one identity number with their kinds'
measures (index `credit_record_check`; benchmarks/credit.py measures it with 1,000,000 subjects and
5,000,000 records on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from oneseal.cases.checks import SubjectFlag
from oneseal.kernel import rows

from .models import CreditRecord, MeasureEffect, MeasureScope, RecordKind, RecordStatus, Severity


@dataclass(frozen=True)
class Restriction:
    """One measure binding the subject, with the record behind it."""

    record_number: str
    record_title: str
    severity: str
    measure_code: str
    measure_name: str
    scope: str
    effect: str

    @property
    def blocks(self) -> bool:
        return self.effect == MeasureEffect.BLOCK


def in_effect(at: dt.datetime) -> Q:
    return Q(status=RecordStatus.ACTIVE, effective_from__lte=at) & (
        Q(effective_until__isnull=True) | Q(effective_until__gt=at))


# in_effect() by hand: every submission and every decision runs it, so it is prepared once (kernel.rows).
_IN_EFFECT = (f"SELECT number, title, severity, kind_id FROM {CreditRecord._meta.db_table} "
              "WHERE id_number = %s AND status = %s AND effective_from <= %s "
              "AND (effective_until IS NULL OR effective_until > %s) ORDER BY number")


def restrictions(id_number: str, *, at: dt.datetime | None = None, scope: str | None = None) -> list[Restriction]:
    """The measures binding `id_number` at `at` (of one scope, or all), one per record and measure.

    A subject without a record in effect (nearly everyone) costs one index lookup; the measures of the
    records found are read in a second query."""
    at = rows.db_value(CreditRecord, "effective_from", at or timezone.now())
    records = rows.fetch(_IN_EFFECT, [id_number, RecordStatus.ACTIVE, at, at])
    if not records:
        return []
    links = RecordKind.measures.through.objects.filter(recordkind_id__in={r[3] for r in records})
    if scope:
        links = links.filter(measure__scope=scope)
    by_kind: dict[int, list[tuple]] = {}
    for kind_id, *measure in links.values_list("recordkind_id", "measure__code", "measure__name",
                                               "measure__scope", "measure__effect").order_by("measure__code"):
        by_kind.setdefault(kind_id, []).append(measure)
    return [Restriction(number, title, severity, *measure)
            for number, title, severity, kind_id in records for measure in by_kind.get(kind_id, [])]


def has_serious_record(id_number: str, *, at: dt.datetime | None = None) -> CreditRecord | None:
    """A serious record in effect (严重失信), which excludes commitment approval whatever its measures."""
    return (CreditRecord.objects.filter(in_effect(at or timezone.now()), id_number=id_number,
                                        severity=Severity.SERIOUS).order_by("-effective_from").first())


def case_flags(*, applicant, item, stage: str, at: dt.datetime) -> list[SubjectFlag]:
    """The cases app's subject check: every application-scope measure on the applicant, a blocking one
    refusing the submission or the approval, the others flagging the case for closer review. One flag
    per measure, naming its most recent record and how many others carry it (a subject with thousands of
    records still gets a handful of flags)."""
    by_measure: dict[str, list[Restriction]] = {}
    for r in restrictions(applicant.id_number, at=at, scope=MeasureScope.APPLICATION):
        by_measure.setdefault(r.measure_code, []).append(r)
    flags = []
    for code, found in by_measure.items():
        first = max(found, key=lambda r: r.record_number)
        message = _("%(measure)s — %(record)s") % {"measure": first.measure_name, "record": first.record_title}
        if len(found) > 1:
            message += _(" (and %(count)s more records)") % {"count": len(found) - 1}
        flags.append(SubjectFlag(source="credit", code=code, message=message, reference=first.record_number,
                                 blocking=first.blocks))
    return flags


def bidding_restrictions(id_number: str, *, at: dt.datetime | None = None) -> list[Restriction]:
    """For public resource trading: the measures that exclude a bidder (失信主体限制参与招投标)."""
    return restrictions(id_number, at=at, scope=MeasureScope.BIDDING)
