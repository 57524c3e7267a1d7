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
