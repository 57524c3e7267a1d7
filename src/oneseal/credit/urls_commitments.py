"""URLs of the credit app's commitments pages (included by credit/urls.py under the app namespace "credit")."""

urlpatterns: list = []
