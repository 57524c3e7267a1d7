"""URLs of the credit app's inspections pages (included by credit/urls.py under the app namespace "credit")."""

urlpatterns: list = []
