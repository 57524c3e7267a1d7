"""企业开办 (enterprise start-up) as one bundle, driven end to end through the HTTP API on a simulated
clock: elapsed working time of the bundle and of each of its four cases, and the materials saved.

    .venv/bin/python benchmarks/bundle.py [--keep]

A fresh SQLite database in a temporary folder (DATABASE_URL and ONESEAL_VAR set for a subprocess), the
Zaoyang demo loaded (`load_scenario`: the 496-item catalog, the staff, the demo cases and the three demo
bundles), then the QYKB bundle (企业设立登记 → 印章刻制备案 and 发票申领; 社会保险登记 in parallel;
1 working day) driven with Django's test `Client` and API tokens, exactly as a window system would:

  09:00  demo-applicant applies online: one form, one upload per pool material (5 files)
  09:15  the window receives the bundle (POST /bundles/{n}/accept: both cases with no prerequisite)
  09:50  社会保险登记 decided on the spot; 10:00 its result issued (人社 approver)
  11:00  企业设立登记 decided on the spot; 11:20 its licence issued (审批局 approver)
         → the outbox worker starts 印章刻制备案 and 发票申领 from it, with the company name mapped
  11:30  the window receives them (POST /bundles/{n}/accept)
  11:50  印章刻制备案 decided; 11:55 issued (公安 approver)
         (lunch: 12:00–14:30 is not office time)
  14:45  发票申领 decided; 14:55 issued (税务 approver) → the bundle is ready
  15:10  all four results handed out together at the window (POST /bundles/{n}/deliver)

The clock is simulated: `django.utils.timezone.now` returns the scripted time of each step, on the
next working day after today, in the hall's office hours (08:30–12:00, 14:30–17:30). The outbox worker
runs (`events.dispatch_all`) after each step, as it would within seconds in production.

Same-run reference: the same four items applied for one by one. Separately, the applicant uploads every
material each case needs (the count the four cases actually received), and the cases run one after
another in the worst case, so the reference time is the sum of the four items' committed limits
(4 + 1 + 1 + 1 working hours).

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
FORM = {"company_name": "枣阳市汉水智造科技有限公司", "address": "枣阳市光武大道168号", "registered_capital": 500,
        "business_scope": "智能装备研发、制造与销售"}
ITEMS = ["企业设立登记", "印章刻制备案", "发票申领", "社会保险登记"]


class SimulatedClock:
    """`timezone.now()` for the whole process: the time of the step being played."""

    def __init__(self, day: dt.date):
        self.day = day
        self.current = self.at("08:30")

    def at(self, hhmm: str) -> dt.datetime:
        hour, minute = (int(x) for x in hhmm.split(":"))
        return dt.datetime.combine(self.day, dt.time(hour, minute), tzinfo=SHANGHAI).astimezone(dt.UTC)

    def set(self, hhmm: str) -> None:
        self.current = self.at(hhmm)

    def __call__(self) -> dt.datetime:
        return self.current


def run() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oneseal.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings
    from django.utils import timezone

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                           TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}):
        from oneseal.demo.loader import load_scenario

        load_scenario()
    load_seconds = time.perf_counter() - started

    from django.contrib.auth import get_user_model

    from oneseal.accounts.models import StaffProfile
    from oneseal.accounts.roles import RoleCode
    from oneseal.accounts.tokens import create_token
    from oneseal.bundles import clock as bundle_clock
    from oneseal.bundles.models import BundleApplication
    from oneseal.catalog.models import LimitUnit
    from oneseal.kernel import events, workcal

    added = _issuers_for_every_department(["企业设立登记", "印章刻制备案", "发票申领", "社会保险登记"])
    day = timezone.localdate() + dt.timedelta(days=1)
    while not workcal.is_working_day(day):
        day += dt.timedelta(days=1)
    sim = SimulatedClock(day)
    timezone.now = sim  # every `timezone.now()` of the services, the outbox and the audit log

    users = get_user_model().objects
    token = {}

    def client_for(user) -> Client:
        if user.pk not in token:
            token[user.pk] = create_token(actor=None, user=user, name="bundle benchmark").clear
        return Client(headers={"Authorization": f"Bearer {token[user.pk]}"})

    applicant = client_for(users.get(username="demo-applicant"))
    clerk = client_for(users.get(username="demo-clerk"))

    def issuer_for(case_number: str) -> Client:
        from oneseal.cases.models import Case

        department = Case.objects.get(number=case_number).item.implementing_body_id
        profile = (StaffProfile.objects.filter(user__groups__name=RoleCode.APPROVER, department_id=department)
                   .select_related("user").order_by("user__username").first())
        return client_for(profile.user)

    def call(client: Client, method: str, path: str, body=None, **kwargs) -> dict:
        if method == "get":
            response = client.get(path)
        elif body is not None:
            response = client.post(path, data=json.dumps(body), content_type="application/json")
        else:
            response = client.post(path, **kwargs)
        if response.status_code != 200:
            raise SystemExit(f"{method.upper()} {path} answered {response.status_code}: {response.content[:500]!r}")
        events.dispatch_all()  # the outbox worker
        return response.json()

    def step(hhmm: str) -> None:
        sim.set(hhmm)

    http_started = time.perf_counter()
    requests = 0

    step("09:00")
    files = {f"material:{name}": _upload(name) for name in
             ["申请书", "公司章程", "住所（经营场所）使用证明", "主要设施设备清单", "相关证明材料"]}
    bundle = call(applicant, "post", "/api/v1/bundles", data={
        "definition": "QYKB", "channel": "online", "form": json.dumps(FORM, ensure_ascii=False), **files})
    requests += 1
    number = bundle["number"]

    def cases() -> dict[str, dict]:
        nonlocal requests
        requests += 1
        return {p["item_name"]: p for p in call(clerk, "get", f"/api/v1/bundles/{number}")["parts"]}

    def decide_and_issue(name: str, decided: str, issued: str) -> None:
        nonlocal requests
        case = cases()[name]["case"]
        step(decided)
        detail = call(clerk, "get", f"/api/v1/cases/{case}")
        task = detail["tasks"][0]["task_id"]
        call(clerk, "post", f"/api/v1/cases/{case}/tasks/{task}/complete",
             {"approved": True, "note": "材料齐全，当场办结"})
        step(issued)
        call(issuer_for(case), "post", f"/api/v1/cases/{case}/issue")
        requests += 3

    step("09:15")
    call(clerk, "post", f"/api/v1/bundles/{number}/accept")
    requests += 1
    decide_and_issue("社会保险登记", "09:50", "10:00")
    decide_and_issue("企业设立登记", "11:00", "11:20")
    step("11:30")
    call(clerk, "post", f"/api/v1/bundles/{number}/accept")
    requests += 1
    decide_and_issue("印章刻制备案", "11:50", "11:55")
    decide_and_issue("发票申领", "14:45", "14:55")
    step("15:10")
    final = call(clerk, "post", f"/api/v1/bundles/{number}/deliver", {"method": "pickup"})
    requests += 1
    http_seconds = time.perf_counter() - http_started

    application = BundleApplication.objects.get(number=number)
    reading = bundle_clock.reading(application)
    hours = workcal.DEFAULT_OFFICE_HOURS
    print(f"bundle {number} ({application.definition.name}): submitted {_local(application.submitted_at)}, "
          f"all results issued {_local(application.ready_at)}, handed out together {_local(application.closed_at)}")
    print(f"  bundle limit {application.limit_amount} working day(s), due {_local(application.due_at)}; "
          f"elapsed working time {bundle_clock.format_minutes(reading.elapsed_minutes)} "
          f"({reading.elapsed_minutes} min; one working day is {hours.minutes_per_day} min) → "
          f"{'within' if reading.within_limit else 'OVER'} the limit")
    children = []
    from oneseal.cases.models import Case

    for part in final["parts"]:
        case = Case.objects.get(number=part["case"])
        limit_minutes = case.limit_amount * {LimitUnit.WORKING_HOURS: 60, LimitUnit.WORKING_MINUTES: 1}.get(
            case.limit_unit, hours.minutes_per_day)
        decided = workcal.working_time_between(case.accepted_at, case.decided_at, hours).minutes
        waited = workcal.working_time_between(application.submitted_at, case.submitted_at, hours).minutes
        children.append({"item": part["item_name"], "case": case.number, "started_after_minutes": waited,
                          "accepted_to_decision_minutes": decided, "limit_minutes": limit_minutes,
                          "within_limit": decided <= limit_minutes, "status": case.status})
        print(f"  {part['item_name']:<8} {case.number}: started {waited:>3} min after the bundle, decided "
              f"{decided:>3} working min after acceptance (limit {case.limit_amount} {case.limit_unit}) "
              f"→ {'within' if decided <= limit_minutes else 'OVER'}; {case.status}")
    uploaded, needed = final["materials_uploaded"], final["materials_needed"]
    reference_minutes = sum(c["limit_minutes"] for c in children)
    print(f"  materials: {uploaded} uploaded once for the bundle; the four cases needed {needed}; saved "
          f"{needed - uploaded}")
    print(f"reference (same run): four separate applications upload {needed} materials and, one after "
          f"another, are committed to {bundle_clock.format_minutes(reference_minutes)} of working time")
    if added:
        print(f"added for this run (no such approver in the demo's staff plan): {', '.join(added)}")
    print(f"{requests} API requests in {http_seconds:.2f} s wall time (demo load {load_seconds:.1f} s)")
    print(json.dumps({
        "bundle": number, "elapsed_working_minutes": reading.elapsed_minutes,
        "limit": f"{application.limit_amount} {application.limit_unit}",
        "within_limit": reading.within_limit and all(c["within_limit"] for c in children),
        "within_one_day_of_office_time": reading.elapsed_minutes <= hours.minutes_per_day,
        "materials_uploaded": uploaded, "materials_needed": needed, "materials_saved": needed - uploaded,
        "children": children, "status": final["status"],
        "reference_serial_limit_minutes": reference_minutes, "reference_materials_uploaded": needed,
        "accounts_added": added, "api_requests": requests, "http_seconds": round(http_seconds, 2), "demo_load_seconds": round(load_seconds, 1),
    }, ensure_ascii=False))


def _issuers_for_every_department(item_names: list[str]) -> list[str]:
    """The Zaoyang staff plan keeps no approver of 人社局 (RSJ) in the hall, so nobody could issue the
    social-security registration's result (the cases policy wants an approver of the implementing
    department). This benchmark's own database gets one such account; the demo data is unchanged."""
    from oneseal.accounts.models import StaffProfile
    from oneseal.accounts.roles import RoleCode
    from oneseal.accounts.services import create_staff_member
    from oneseal.catalog.models import Hall, ServiceItem

    hall = Hall.objects.select_related("region").get()
    added = []
    for item in ServiceItem.objects.filter(name__in=item_names).select_related("implementing_body"):
        department = item.implementing_body
        if not StaffProfile.objects.filter(user__groups__name=RoleCode.APPROVER, department=department).exists():
            username = f"{department.code.lower()}-bench-approver"
            create_staff_member(actor="benchmark", username=username, password=None, full_name="基准测试审核人员",
                                role=RoleCode.APPROVER, department=department, region=hall.region, hall=hall,
                                title="审核人员")
            added.append(username)
    return added


def _upload(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(f"{name}.pdf", PDF + f"% {name}\n".encode(), content_type="application/pdf")


def _local(moment: dt.datetime | None) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else "—"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help="keep the temporary database folder")
    args = parser.parse_args()
    if args.run:
        run()
        return
    folder = tempfile.mkdtemp(prefix="oneseal-bundle-bench-")
    env = {**os.environ, "ONESEAL_VAR": folder, "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
           "DJANGO_SETTINGS_MODULE": "oneseal.settings", "LOG_LEVEL": "ERROR", "DEBUG": "0",
           "PAYMENT_PROVIDER": "simulator"}
    try:
        done = subprocess.run([sys.executable, __file__, "--run"], env=env, cwd=ROOT)
    finally:
        if not args.keep:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"database kept in {folder}", file=sys.stderr)
    sys.exit(done.returncode)


if __name__ == "__main__":
    main()
