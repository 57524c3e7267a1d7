from django.urls import path, register_converter

from . import views


class LicenceNumberConverter:
    """Upper-case letters, digits and hyphens; the check character is checked by the selectors."""

    regex = r"[A-Za-z0-9-]{1,60}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value


register_converter(LicenceNumberConverter, "licence")

app_name = "licenses"
urlpatterns = [
    path("verify/", views.verify_index, name="verify_index"),
    path("verify/<licence:number>", views.verify_page, name="verify"),
    path("my/licences/", views.wallet, name="wallet"),
    path("my/licences/<licence:number>/", views.my_licence, name="my_licence"),
    path("my/licences/<licence:number>/renew/", views.my_licence_renew, name="my_licence_renew"),
    path("licences/<licence:number>.pdf", views.licence_pdf, name="pdf"),
    path("workbench/licences/", views.staff_licences, name="staff_licences"),
    path("workbench/licences/<licence:number>/", views.staff_licence, name="staff_licence"),
    path("workbench/licences/<licence:number>/revoke/", views.staff_revoke, name="staff_revoke"),
    path("workbench/renewals/<int:pk>/decide/", views.staff_decide_renewal, name="staff_decide_renewal"),
]
