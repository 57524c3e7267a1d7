import pytest
from django.contrib.auth.models import Group

from oneseal.accounts.policy import WORKBENCH_PAGES
from oneseal.accounts.roles import RoleCode, has_role
from oneseal.accounts.services import create_staff_member, sync_roles
from oneseal.kernel.errors import DomainError
from oneseal.kernel.models import AuditEntry
from tests.factories import DepartmentFactory, RegionFactory

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group_with_its_permissions(roles):
    assert set(Group.objects.values_list("name", flat=True)) >= set(RoleCode.values)
    clerk = roles[RoleCode.WINDOW_CLERK]
    assert list(clerk.permissions.values_list("codename", flat=True)) == ["use_window_workbench"]
    admin_codes = set(roles[RoleCode.ADMINISTRATOR].permissions.values_list("codename", flat=True))
    assert {"manage_catalog", "change_serviceitem", "view_auditentry"} <= admin_codes


def test_sync_roles_is_idempotent(roles):
    before = {g.name: set(g.permissions.values_list("id", flat=True)) for g in Group.objects.all()}
    sync_roles()
    after = {g.name: set(g.permissions.values_list("id", flat=True)) for g in Group.objects.all()}
    assert before == after


def test_create_staff_member_audits_and_assigns_role(user_in_role):
    user = user_in_role(RoleCode.APPROVER)
    assert has_role(user, RoleCode.APPROVER) and not has_role(user, RoleCode.WINDOW_CLERK)
    assert user.staff_profile.department is not None
    assert AuditEntry.objects.filter(action="accounts.staff_created").count() == 1


def test_unknown_role_and_taken_username_are_refused(roles):
    region, dept = RegionFactory(), DepartmentFactory()
    with pytest.raises(DomainError) as info:
        create_staff_member(actor=None, username="x", password=None, full_name="x", role="king",
                            department=dept, region=region)
    assert info.value.field == "role"
    create_staff_member(actor=None, username="x", password=None, full_name="x", role="approver",
                        department=dept, region=region)
    with pytest.raises(DomainError) as info:
        create_staff_member(actor=None, username="x", password=None, full_name="x", role="approver",
                            department=dept, region=region)
    assert info.value.code == "username_taken"


def test_every_role_has_a_workbench_page():
    assert {p.role for p in WORKBENCH_PAGES} == set(RoleCode.values)
