"""Load the Zaoyang scenario through the services: `apply_catalog` for the catalog,
`create_staff_member` for every account, then the demo cases through the cases services
(`casework.load_cases`). Loading twice changes nothing: the catalog is upserted by natural key,
accounts that exist are left alone and cases that exist (by their idempotency key) are skipped.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from importlib import import_module

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from oneseal.accounts.services import create_staff_member, sync_roles
from oneseal.catalog.models import Department, Hall, Region, ServiceItem, Window
from oneseal.catalog.services import apply_catalog
from oneseal.kernel import events

from .casework import load_cases
from .zaoyang import build_catalog
from .zaoyang.cases import DEMO_CASES
from .zaoyang.people import DEMO_ACCOUNTS, StaffMember, everyone
from .zaoyang.places import CITY, HALL

ACTOR = "demo"


@dataclass
class LoadResult:
    loaded: bool = True
    catalog: dict = field(default_factory=dict)
    accounts_created: int = 0
    accounts_existing: int = 0
    cases_created: int = 0
    cases_existing: int = 0


APP_DEMOS = ["oneseal.licenses.demo", "oneseal.sharing.demo", "oneseal.bundles.demo", "oneseal.credit.demo"]


def catalog_is_empty() -> bool:
    return not ServiceItem.objects.exists()


def new_progress(**options) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    **options)


def load_scenario(*, progress: Progress | None = None, if_empty: bool = False) -> LoadResult:
    """Load (or refresh) the scenario. With `if_empty`, do nothing when the catalog has items."""
    if if_empty and not catalog_is_empty():
        return LoadResult(loaded=False)
    people = everyone()
    with progress if progress is not None else nullcontext():
        track = _Tracker(progress)
        track.stage("roles", 1)
        sync_roles()
        track.advance("roles")

        track.stage("catalog", 2)
        data = build_catalog()
        track.advance("catalog")
        summary = apply_catalog(actor=ACTOR, data=data, note="Zaoyang demo scenario")
        track.advance("catalog")

        track.stage("accounts", len(people))
        created, existing = _create_accounts(people, track)

        track.stage("cases", len(DEMO_CASES))
        cases_created, cases_existing = load_cases(advance=lambda: track.advance("cases"))

        # The apps after cases add their part (licences, regulator pushes, bundles), then the outbox
        # delivers what the demo's cases set off, as the worker would.
        track.stage("apps", len(APP_DEMOS) + 1)
        for module in APP_DEMOS:
            import_module(module).load()
            track.advance("apps")
        events.dispatch_all()
        track.advance("apps")
    return LoadResult(catalog=summary, accounts_created=created, accounts_existing=existing,
                      cases_created=cases_created, cases_existing=cases_existing)


def _create_accounts(people: list[StaffMember], track: _Tracker) -> tuple[int, int]:
    region = Region.objects.get(code=CITY)
    hall = Hall.objects.get(code=HALL)
    departments = {d.code: d for d in Department.objects.all()}
    windows = {(w.zone.code, w.number): w for w in Window.objects.select_related("zone")}
    existing = set(get_user_model().objects.filter(username__in=[p.username for p in people])
                   .values_list("username", flat=True))
    created = 0
    # One transaction for all accounts: each service call's own transaction becomes a savepoint,
    # which on SQLite is much faster than a commit per account.
    with transaction.atomic():
        for person in people:
            if person.username not in existing:
                create_staff_member(
                    actor=ACTOR, username=person.username, password=person.password, full_name=person.full_name,
                    role=person.role, department=departments[person.department], region=region,
                    hall=hall if person.in_hall else None,
                    window=windows[person.window] if person.window else None, title=person.title,
                )
                created += 1
            track.advance("accounts")
    return created, len(existing)


def demo_accounts() -> list[StaffMember]:
    return list(DEMO_ACCOUNTS)


class _Tracker:
    """Progress stages on a rich Progress, or nothing."""

    LABELS = {"roles": _("Roles"), "catalog": _("Catalog"), "accounts": _("Accounts"), "cases": _("Cases"),
              "apps": _("Licences, pushes and bundles")}

    def __init__(self, progress: Progress | None):
        self.progress = progress
        self.tasks: dict[str, int] = {}

    def stage(self, key: str, total: int) -> None:
        if self.progress is not None:
            self.tasks[key] = self.progress.add_task(str(self.LABELS[key]), total=total)

    def advance(self, key: str) -> None:
        if self.progress is not None:
            self.progress.advance(self.tasks[key])
