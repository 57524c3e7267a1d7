import io

import pytest

from oneseal.accounts.roles import RoleCode
from oneseal.catalog import models as m
from oneseal.catalog.services import apply_catalog
from oneseal.catalog.xlsx import export_workbook
from oneseal.kernel.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, user_in_role):
    client.force_login(user_in_role(RoleCode.ADMINISTRATOR, username="admin1"))
    return client


def test_admin_export_downloads_a_workbook(admin_client, catalog_data):
    apply_catalog(actor=None, data=catalog_data)
    response = admin_client.get("/admin/catalog/serviceitem/export/")
    assert response.status_code == 200
    assert response.content.startswith(b"PK\x03\x04")


def test_admin_import_lists_errors_and_writes_nothing(admin_client, catalog_data):
    apply_catalog(actor=None, data=catalog_data)
    before = AuditEntry.objects.count()
    upload = io.BytesIO(b"<html>not excel</html>")
    upload.name = "catalog.xlsx"
    response = admin_client.post("/admin/catalog/serviceitem/import/", {"workbook": upload})
    assert response.status_code == 200
    assert "not an Excel" in response.content.decode() or "不是" in response.content.decode()
    assert AuditEntry.objects.count() == before


def test_admin_import_of_an_export_succeeds(admin_client, catalog_data):
    apply_catalog(actor=None, data=catalog_data)
    upload = io.BytesIO(export_workbook())
    upload.name = "catalog.xlsx"
    response = admin_client.post("/admin/catalog/serviceitem/import/", {"workbook": upload, "note": "复核"})
    assert response.status_code == 200 and dict(response.context["summary"])["items"]["unchanged"] == 1


def test_import_is_denied_to_other_roles(client, user_in_role):
    user = user_in_role(RoleCode.APPROVER)
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert client.get("/admin/catalog/serviceitem/import/").status_code in (302, 403)
    assert client.get("/admin/catalog/serviceitem/export/").status_code in (302, 403)


def test_editing_an_item_in_the_admin_is_audited_and_versioned(admin_client, catalog_data):
    apply_catalog(actor=None, data=catalog_data)
    item = m.ServiceItem.objects.get()
    page = admin_client.get(f"/admin/catalog/serviceitem/{item.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, (list, dict))}
    data.update({"implementing_body": item.implementing_body_id, "original_department": item.original_department_id,
                 "supervising_department": item.supervising_department_id, "zone": item.zone_id,
                 "legal_basis": "修订后的法律依据", "form_schema": "{}"})
    for prefix, formset in [(fs.formset.prefix, fs.formset) for fs in page.context["inline_admin_formsets"]]:
        data[f"{prefix}-TOTAL_FORMS"] = formset.total_form_count()
        data[f"{prefix}-INITIAL_FORMS"] = formset.initial_form_count()
        for i, f in enumerate(formset.forms):
            for name, field in f.fields.items():
                value = f.initial.get(name, field.initial)
                if hasattr(value, "pk"):
                    value = value.pk
                if value is not None and value is not False:
                    data[f"{prefix}-{i}-{name}"] = value
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    response = admin_client.post(f"/admin/catalog/serviceitem/{item.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    item.refresh_from_db()
    assert item.legal_basis == "修订后的法律依据" and item.version == 2
    assert AuditEntry.objects.filter(action="catalog.admin_changed").exists()
