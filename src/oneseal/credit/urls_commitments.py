"""URLs of the credit app's commitment pages (included by credit/urls.py under the app namespace "credit",
at the site root)."""

from django.urls import path

from .views import commitments as views

urlpatterns: list = [
    path("credit/commitments/apply/<str:code>/", views.apply, name="commitment_apply"),
    path("credit/commitments/<int:pk>/", views.commitment, name="commitment"),
    path("my/commitments/", views.my_commitments, name="my_commitments"),
    path("workbench/verifications/", views.verifications, name="verifications"),
    path("workbench/verifications/<int:pk>/record/", views.record_verification, name="record_verification"),
]
