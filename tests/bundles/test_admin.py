import pytest
from django.contrib.auth import get_user_model

from .conftest import apply_online

pytestmark = pytest.mark.django_db


def test_the_admin_shows_bundles_read_only(kaiban, client):
    application = apply_online(kaiban)
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "correct-horse-battery")
    client.force_login(admin)
    for path in ["/admin/bundles/bundledefinition/", f"/admin/bundles/bundledefinition/{kaiban['definition'].pk}/change/",
                 "/admin/bundles/bundleapplication/", f"/admin/bundles/bundleapplication/{application.pk}/change/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'name="_save"' not in response.content.decode()
    assert client.get("/admin/bundles/bundledefinition/add/").status_code == 403
