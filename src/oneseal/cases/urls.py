from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("items/<str:code>/apply/", views.apply, name="apply"),
    path("track/", views.track, name="track"),
    path("signup/", views.signup, name="signup"),
    path("workbench/window/", views.window, name="window"),
    path("workbench/window/<str:number>/<slug:action>/", views.window_action, name="window_action"),
    path("workbench/approval/", views.approval, name="approval"),
    path("workbench/cases/<str:number>/", views.staff_case, name="staff_case"),
    path("workbench/cases/<str:number>/task/", views.staff_task, name="staff_task"),
    path("workbench/cases/<str:number>/extend/", views.staff_extend, name="staff_extend"),
    path("workbench/cases/<str:number>/issue/", views.staff_issue, name="staff_issue"),
    path("cases/<str:number>/materials/<int:pk>/", views.material_download, name="material"),
    path("cases/<str:number>/notices/<int:pk>.pdf", views.notice_pdf, name="notice_pdf"),
    path("my/cases/", views.my_cases, name="my_cases"),
    path("my/cases/<str:number>/", views.my_case, name="my_case"),
    path("my/cases/<str:number>/<slug:action>/", views.my_case_action, name="my_case_action"),
]
