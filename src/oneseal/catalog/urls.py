from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("items/", views.item_list, name="item_list"),
    path("items/<str:code>/", views.item_detail, name="item_detail"),
    path("items/<str:code>/print/", views.item_print, name="item_print"),
    path("items/<str:code>/versions/", views.item_versions, name="item_versions"),
    path("reform/", views.reform, name="reform"),
]
