"""Play the demo's cases (`zaoyang.cases.DEMO_CASES`) through the cases services.

Every step is a service call by the user it belongs to: the demo clerk at the hall receives,
accepts, asks for supplements, refuses and hands out; the applicant's own account applies,
supplements, withdraws and confirms online; the approver of the item's implementing department
reviews, runs the special procedures, decides and issues (the bureau head where the procedure says
so, and for the extension). Times are passed as `now=` so the cases spread over the last weeks of
working days; fees are paid through the payments simulator and its signed notification.

Each case is one transaction and carries the idempotency key `demo:zaoyang:<slug>`: a case that
exists is skipped, so loading again creates nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric, uscc

from oneseal.accounts.models import StaffProfile
from oneseal.accounts.roles import RoleCode
from oneseal.cases import fees
from oneseal.cases import services as s
from oneseal.cases.models import Applicant, Case, Channel
from oneseal.cases.workflow import engine
from oneseal.catalog.models import Hall, LimitUnit, ServiceItem
from oneseal.kernel import workcal
from oneseal.payments import simulator
from oneseal.payments.models import SimulatedPlatformOrder
from oneseal.payments.tasks import deliver_notification_task

from .zaoyang.cases import APPLICANTS, DEMO_CASES, NOW, DemoCase, Due, Organisation, Person
from .zaoyang.places import BUREAU, CITY, HALL

KEY_PREFIX = "demo:zaoyang:"
CLERK, APPROVER, HEAD = "demo-clerk", "demo-approver", "demo-head"


def idempotency_key(case: DemoCase) -> str:
    return KEY_PREFIX + case.slug


def existing_slugs() -> set[str]:
    keys = Case.objects.filter(idempotency_key__startswith=KEY_PREFIX).values_list("idempotency_key", flat=True)
    return {k.removeprefix(KEY_PREFIX) for k in keys}


# -- time ----------------------------------------------------------------------------------------

class WorkingDays:
    """Working days counted back from today (the hall's calendar: weekends, holidays, make-up days)."""

    def __init__(self, today: dt.date):
        self.today = today
        self._days: list[dt.date] = [today]

    def back(self, n: int) -> dt.date:
        while len(self._days) <= n:
            day = self._days[-1] - dt.timedelta(days=1)
            while not workcal.is_working_day(day):
                day -= dt.timedelta(days=1)
            self._days.append(day)
        return self._days[n]

    def at(self, days_ago: int, hhmm: str) -> dt.datetime:
        hour, minute = (int(x) for x in hhmm.split(":"))
        return dt.datetime.combine(self.back(days_ago), dt.time(hour, minute), tzinfo=workcal.SHANGHAI)


# -- materials -----------------------------------------------------------------------------------

def tiny_pdf(title: str, lines: list[str]) -> bytes:
    """A small but complete one-page PDF (A4, Helvetica): catalog, page, font, content, info, xref.

    The text on the page is ASCII; the Chinese title goes in the document information as UTF-16.
    """
    def literal(text: str) -> str:
        return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"

    content = "BT /F1 12 Tf 16 TL 56 790 Td " + " ".join(f"{literal(line)} '" for line in lines) + " ET"
    title_hex = "FEFF" + title.encode("utf-16-be").hex().upper()
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        "/Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        f"<< /Title <{title_hex}> /Producer (OneSeal demo scenario) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("latin-1")
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode("latin-1")
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode("latin-1")
    return bytes(out)


def material_upload(case: DemoCase, material: str, applicant: Applicant, *, version: int = 1) -> s.MaterialUpload:
    pdf = tiny_pdf(f"{material} - {applicant.name}", [
        "OneSeal demo material (Zaoyang scenario)",
        f"Case: {case.slug}",
        f"Applicant ID: {applicant.id_number}",
        f"Material {version}: " + material.encode("unicode_escape").decode("ascii"),
    ])
    suffix = "" if version == 1 else f"（补正{version - 1}）"
    return s.MaterialUpload(material=material, stream=io.BytesIO(pdf), filename=f"{material}{suffix}.pdf",
                            size=len(pdf))


# -- applicants ----------------------------------------------------------------------------------

def citizen_id(person: Person) -> str:
    body = f"{CITY}{person.birth}{person.serial}"
    return body + ric.calc_check_digit(body + "0")


def credit_code(organisation: Organisation) -> str:
    body = f"91{CITY}MA{organisation.code}"
    return body + uscc.calc_check_digit(body)


# -- the player ----------------------------------------------------------------------------------

@dataclass
class _Context:
    hall: Hall
    users: dict[str, object]
    approvers: dict[int, object]  # department id → an approver of that department in the hall
    days: WorkingDays


def _context(today: dt.date) -> _Context:
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(
        username__in=[CLERK, APPROVER, HEAD] + [p.username for p in APPLICANTS if isinstance(p, Person) and p.username])}
    approvers = {users[APPROVER].staff_profile.department_id: users[APPROVER]}
    for profile in (StaffProfile.objects.filter(user__groups__name=RoleCode.APPROVER, hall__isnull=False)
                    .exclude(department__code=BUREAU).select_related("user").order_by("user__username")):
        approvers.setdefault(profile.department_id, profile.user)
    return _Context(hall=Hall.objects.get(code=HALL), users=users, approvers=approvers, days=WorkingDays(today))


class _Player:
    def __init__(self, ctx: _Context, spec: DemoCase):
        self.ctx, self.spec = ctx, spec
        self.item = ServiceItem.objects.select_related("implementing_body").get(code=spec.item)
        self.online = spec.channel == Channel.ONLINE
        self.applicant = self._applicant()
        self.case: Case | None = None
        self.supplements = 0

    # who does what
    @property
    def clerk(self):
        return self.ctx.users[CLERK]

    @property
    def applicant_side(self):
        """The applicant's own account online; the clerk on their behalf at the window."""
        return self.applicant.user if self.online else self.clerk

    def lane_user(self, lane: str):
        if lane == RoleCode.WINDOW_CLERK:
            return self.clerk
        if lane == RoleCode.BUREAU_HEAD:
            return self.ctx.users[HEAD]
        return self.ctx.approvers[self.item.implementing_body_id]

    def _applicant(self) -> Applicant:
        spec = next(a for a in APPLICANTS if a.key == self.spec.applicant)
        if isinstance(spec, Person):
            user = self.ctx.users.get(spec.username) if spec.username else None
            return s.register_applicant(actor=user or self.clerk, kind="person", name=spec.name, id_number=citizen_id(spec),
                                        phone=spec.phone, user=user)
        return s.register_applicant(actor=self.clerk, kind="organisation", name=spec.name,
                                    id_number=credit_code(spec), legal_representative=spec.representative,
                                    phone=spec.phone)

    def material(self, prefix: str) -> str:
        names = [m["name"] for m in self._snapshot()["materials"]]
        found = [n for n in names if n.startswith(prefix)]
        if len(found) != 1:
            raise ValueError(f"demo case {self.spec.slug}: material {prefix!r} is not one of {names}")
        return found[0]

    def _snapshot(self) -> dict:
        version = self.case.item_version if self.case else self.item.versions.order_by("-number").first()
        return version.snapshot

    def when(self, at) -> dt.datetime | None:
        if at == NOW:
            return timezone.now()
        if isinstance(at, Due):
            if self.item.committed_limit_unit != LimitUnit.WORKING_DAYS:
                raise ValueError(f"demo case {self.spec.slug}: due() needs a limit in working days")
            return self.ctx.days.at(self.item.committed_limit - at.n, at.time)
        days_ago, hhmm = at
        return self.ctx.days.at(days_ago, hhmm)

    def task(self, kind: str | None = None):
        ready = engine.ready_tasks(self.case.procedure, self.case.workflow_state)
        if kind == "decision":
            ready = [t for t in ready if t.kind == "decision"]
        else:
            ready = [t for t in ready if t.kind != "decision"]
        if len(ready) != 1:
            raise ValueError(f"demo case {self.spec.slug}: expected one ready step, found {ready}")
        return ready[0]

    # the steps
    def play(self) -> Case:
        for step in self.spec.steps:
            verb, at, *args = step
            getattr(self, f"do_{verb}")(self.when(at), *args)
            self.case.refresh_from_db()
        return self.case

    def do_submit(self, now):
        required = [m["name"] for m in self._snapshot()["materials"]
                    if m.get("required") and not m.get("licence_replaceable")]
        self.case = s.submit_case(
            actor=self.applicant.user if self.online else self.clerk, item=self.item, applicant=self.applicant,
            channel=self.spec.channel, form_data=dict(self.spec.form),
            materials=[material_upload(self.spec, name, self.applicant) for name in required],
            hall=None if self.online else self.ctx.hall, idempotency_key=idempotency_key(self.spec), now=now)

    def do_accept(self, now):
        self.case = s.accept_case(actor=self.clerk, case=self.case, now=now)

    def do_deem(self, now):
        if not s.deem_accepted(case=self.case, now=now):
            raise ValueError(f"demo case {self.spec.slug}: not yet due to be deemed accepted at {now}")

    def do_supplement(self, now, problems):
        s.request_supplement(actor=self.clerk, case=self.case, now=now,
                             problems=[(self.material(m), p) for m, p in problems],
                             note="请一次性补齐以上材料后到枣阳市政务服务大厅综合受理窗口或网上提交。")

    def do_receive(self, now, materials):
        self.supplements += 1
        uploads = [material_upload(self.spec, self.material(m), self.applicant, version=self.supplements + 1)
                   for m in materials]
        self.case = s.receive_supplement(actor=self.applicant_side, case=self.case, materials=uploads,
                                         in_person=not self.online, now=now)

    def do_review(self, now, data):
        task = self.task()
        self.case = s.complete_task(actor=self.lane_user(task.lane), case=self.case, task_id=task.id,
                                    data={**data, "note": "材料齐全，符合法定形式"}, now=now)

    def do_special(self, now, data):
        task = self.task()
        notes = {"expert_review": "专家评审意见：同意", "site_inspection": "现场核查与申请材料一致",
                 "public_notice": "公示期满无异议"}
        self.case = s.complete_task(actor=self.lane_user(task.lane), case=self.case, task_id=task.id,
                                    data={**data, "note": notes.get(task.special_procedure or "", "")}, now=now)

    def do_decide(self, now, approved, reasons):
        task = self.task("decision")
        self.case = s.complete_task(actor=self.lane_user(task.lane), case=self.case, task_id=task.id, now=now,
                                    data={"approved": approved, "reasons": reasons,
                                          "legal_basis": "" if approved else self._snapshot().get("legal_basis", "")})

    def do_extend(self, now, reason, days):
        self.case = s.extend_case(actor=self.ctx.users[HEAD], case=self.case, reason=reason, days=days, now=now)

    def do_issue(self, now):
        self.case = s.issue_result(actor=self.lane_user(RoleCode.APPROVER), case=self.case, now=now)

    def do_deliver(self, now, method, carrier="", waybill=""):
        s.deliver_result(actor=self.clerk, case=self.case, method=method, carrier=carrier, waybill=waybill, now=now)

    def do_confirm(self, now):
        self.case = s.confirm_receipt(actor=self.applicant_side, case=self.case, now=now)

    def do_refuse(self, now, reason, legal_basis):
        s.refuse_case(actor=self.clerk, case=self.case, reason=reason, legal_basis=legal_basis, now=now)

    def do_withdraw(self, now, reason):
        self.case = s.withdraw_case(actor=self.applicant_side, case=self.case, reason=reason, now=now)

    def do_pay(self, now):
        """The payer pays at the simulated platform, which then delivers its signed notification (the
        worker's task, run here at once so the case is paid when the load ends)."""
        order = fees.current_order(self.case)
        simulator.pay(order.payment_code, at=now, notify=False)
        entry = SimulatedPlatformOrder.objects.get(payment_code=order.payment_code)
        outcome = deliver_notification_task.call(simulator.notification_payload(entry), secrets.token_hex(16))
        if outcome != "ok":
            raise ValueError(f"demo case {self.spec.slug}: the payment notification was refused ({outcome})")


def load_cases(*, today: dt.date | None = None, advance: Callable[[], None] = lambda: None) -> tuple[int, int]:
    """Create the demo cases that do not exist yet; return (created, existing)."""
    existing = existing_slugs()
    ctx = None
    created = 0
    for spec in DEMO_CASES:
        if spec.slug not in existing:
            ctx = ctx or _context(today or timezone.localdate())
            with transaction.atomic():
                _Player(ctx, spec).play()
            created += 1
        advance()
    return created, len(existing & {c.slug for c in DEMO_CASES})
