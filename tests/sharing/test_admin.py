import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from oneseal.sharing import services as s

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_shows_webhooks_without_their_secret_and_changes_nothing(domain):
    endpoint, secret = s.create_webhook_endpoint(actor=domain["regulator"], department=domain["market"],
                                                 name="监管系统", url="https://reg.example.gov.cn/hook")
    admin = get_user_model().objects.create_superuser("root", "root@example.gov.cn", "correct-horse-battery")
    client = Client()
    client.force_login(admin)
    listing = client.get("/admin/sharing/webhookendpoint/")
    detail = client.get(f"/admin/sharing/webhookendpoint/{endpoint.pk}/change/")
    assert listing.status_code == detail.status_code == 200
    assert "reg.example.gov.cn" in detail.content.decode()
    assert secret not in listing.content.decode() and secret not in detail.content.decode()
    assert client.post(f"/admin/sharing/webhookendpoint/{endpoint.pk}/delete/").status_code == 403
    assert client.get("/admin/sharing/regulatorpush/").status_code == 200
    assert client.get("/admin/sharing/regulatorfinding/").status_code == 200
