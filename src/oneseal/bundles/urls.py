app_name = "bundles"
urlpatterns: list = []
