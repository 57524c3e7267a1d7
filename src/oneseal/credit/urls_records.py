"""URLs of the credit app's records pages (included by credit/urls.py under the app namespace "credit")."""

from django.urls import path

from .views import records as views

urlpatterns: list = [
    path("credit/", views.search, name="search"),
    path("credit/subjects/<str:id_number>/", views.subject, name="subject"),
    path("credit/repairs/<int:pk>/evidence/", views.repair_evidence, name="repair_evidence"),
    path("my/credit/", views.my_credit, name="my_credit"),
    path("workbench/credit/", views.desk, name="desk"),
    path("workbench/credit/records/new/", views.record_form, name="record"),
    path("workbench/credit/records/<str:number>/lift/", views.lift, name="lift"),
    path("workbench/credit/repairs/<int:pk>/decide/", views.repair_decide, name="repair_decide"),
    path("workbench/credit/import/", views.import_records, name="import"),
]
