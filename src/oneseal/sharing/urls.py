from django.urls import path

from . import views

app_name = "sharing"
urlpatterns = [
    path("regulator/pushes/", views.inbox, name="inbox"),
    path("regulator/pushes/<int:pk>/", views.push_page, name="push"),
    path("regulator/pushes/<int:pk>/claim/", views.claim, name="claim"),
    path("regulator/pushes/<int:pk>/findings/", views.file_finding, name="file_finding"),
    path("workbench/findings/", views.findings, name="findings"),
    path("workbench/findings/<int:pk>/<slug:action>/", views.finding_action, name="finding_action"),
    path("supervision/escalations/", views.escalations, name="escalations"),
]
