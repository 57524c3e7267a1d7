import pytest

from oneseal.accounts.policy import WORKBENCH_PAGES
from oneseal.accounts.roles import RoleCode

pytestmark = pytest.mark.django_db

ROLE_PAGES = [(p.role, p.slug) for p in WORKBENCH_PAGES if p.slug != "admin"]


def test_sign_in_page_renders(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_sign_in_then_out(client, user_in_role):
    user_in_role(RoleCode.WINDOW_CLERK, username="clerk1")
    response = client.post("/accounts/login/", {"username": "clerk1", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert client.get("/accounts/workbench/").url == "/accounts/workbench/clerk/"
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/accounts/workbench/clerk/").status_code == 302  # back to sign-in


def test_a_wrong_password_is_refused(client, user_in_role):
    user_in_role(RoleCode.WINDOW_CLERK, username="clerk1")
    response = client.post("/accounts/login/", {"username": "clerk1", "password": "wrong"})
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated


def test_sign_out_by_get_is_not_allowed(client, user_in_role):
    user = user_in_role(RoleCode.WINDOW_CLERK)
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405


@pytest.mark.parametrize(("role", "slug"), ROLE_PAGES)
def test_each_role_sees_its_own_page(client, user_in_role, role, slug):
    client.force_login(user_in_role(role))
    assert client.get(f"/accounts/workbench/{slug}/").status_code == 200


@pytest.mark.parametrize(("role", "slug"), ROLE_PAGES)
def test_each_role_is_denied_every_other_page(client, user_in_role, role, slug):
    client.force_login(user_in_role(role))
    others = [s for r, s in ROLE_PAGES if s != slug and not (role == RoleCode.BUREAU_HEAD and s == "approver")]
    for other in others:
        assert client.get(f"/accounts/workbench/{other}/").status_code == 403, other


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get("/accounts/workbench/approver/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_only_the_administrator_reaches_the_admin(client, user_in_role):
    client.force_login(user_in_role(RoleCode.WINDOW_CLERK))
    assert client.get("/admin/").status_code == 302
    client.force_login(user_in_role(RoleCode.ADMINISTRATOR, username="admin1"))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/catalog/serviceitem/").status_code == 200


def test_the_clerk_sees_the_zones_of_their_hall(client, user_in_role):
    from tests.factories import HallFactory, ServiceItemFactory, ZoneFactory

    hall = HallFactory()
    zone = ZoneFactory(hall=hall, name="企业开办")
    ServiceItemFactory(zone=zone, name="企业设立登记")
    client.force_login(user_in_role(RoleCode.WINDOW_CLERK, hall=hall))
    page = client.get("/accounts/workbench/clerk/").content.decode()
    assert "企业开办" in page and "企业设立登记" in page
