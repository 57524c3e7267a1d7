from django.urls import path

from . import views

app_name = "bundles"
urlpatterns = [
    path("bundles/", views.definitions, name="definitions"),
    path("bundles/track/", views.track, name="track"),
    path("bundles/mine/", views.mine, name="mine"),
    path("bundles/window/", views.window, name="window"),
    path("bundles/apply/<str:code>/", views.apply, name="apply"),
    path("bundles/<str:number>/", views.detail, name="detail"),
    path("bundles/<str:number>/<slug:action>/", views.window_action, name="window_action"),
]
