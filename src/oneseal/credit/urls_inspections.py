"""URLs of random inspections (included by credit/urls.py under the app namespace "credit"): the desk
under /workbench/inspections/, the public pages under /credit/inspections/."""

from django.urls import path

from .views import inspections as views

urlpatterns: list = [
    path("workbench/inspections/", views.desk, name="inspection_desk"),
    path("workbench/inspections/new/", views.plan_new, name="inspection_plan_new"),
    path("workbench/inspections/<int:pk>/", views.plan_page, name="inspection_plan"),
    path("workbench/inspections/targets/<int:pk>/result/", views.target_result, name="target_result"),
    path("workbench/inspections/targets/<int:pk>/reassign/", views.target_reassign, name="target_reassign"),
    path("credit/inspections/", views.public_list, name="public_inspections"),
    path("credit/inspections/<int:pk>/", views.public_plan, name="public_inspection"),
    path("credit/inspections/<int:pk>/verify/", views.verify, name="inspection_verify"),
    path("credit/inspections/<int:pk>/pool.tsv", views.pool, name="inspection_pool"),
]
