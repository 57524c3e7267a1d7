import os

import pytest


@pytest.fixture
def roles(db):
    """The role groups with their permissions."""
    from oneseal.accounts.services import sync_roles

    return sync_roles()


@pytest.fixture
def user_in_role(roles):
    """Make a user holding one role, with a staff profile where the role is a staff role."""
    from oneseal.accounts.roles import STAFF_ROLES
    from oneseal.accounts.services import create_staff_member
    from tests.factories import DepartmentFactory, HallFactory, RegionFactory

    def make(role: str, username: str | None = None, department=None, hall=None):
        region = RegionFactory()
        user, _profile = create_staff_member(
            actor=None, username=username or f"{role}-user", password="correct-horse-battery",
            full_name=f"{role} 测试", role=role, department=department or DepartmentFactory(),
            region=region, hall=hall if hall is not None else (HallFactory() if role in STAFF_ROLES else None),
        )
        return user

    return make


def _database_vendor() -> str:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    return "PostgreSQL" if "postgresql" in engine else "SQLite" if "sqlite" in engine else engine


def pytest_report_header(config):
    import shutil

    chromium = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
    return [f"oneseal: database {_database_vendor()}; chromium {chromium or 'MISSING'}"]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say loudly what this run did not exercise."""
    skipped = terminalreporter.stats.get("skipped", [])
    e2e_skipped = [r for r in skipped if "tests/e2e" in str(getattr(r, "nodeid", ""))]
    lines = []
    if e2e_skipped:
        lines.append(f"!!! {len(e2e_skipped)} BROWSER TESTS SKIPPED: Debian's chromium is not installed "
                     "(apt-get install chromium). Under CI=true this fails the run.")
    if _database_vendor() != "PostgreSQL":
        lines.append("!!! PostgreSQL NOT EXERCISED in this run (database: SQLite). "
                     "Run again with DATABASE_URL=postgres://user@127.0.0.1:PORT/db — .ci/run does both.")
    for line in lines:
        terminalreporter.write_line(line, yellow=True, bold=True)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many accounts; the production hasher's cost is not what they test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
