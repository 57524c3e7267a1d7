from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from .api import api

admin.site.site_header = _("Zaoyang Government Service Platform · Administration")
admin.site.site_title = "OneSeal"
admin.site.index_title = "OneSeal"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("oneseal.accounts.urls")),
    path("", include("oneseal.cases.urls")),
    path("", include("oneseal.licenses.urls")),
    path("", include("oneseal.sharing.urls")),
    path("", include("oneseal.bundles.urls")),
    path("", include("oneseal.credit.urls")),
    path("", include("oneseal.catalog.urls")),
]
