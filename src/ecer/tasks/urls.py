from django.urls import path

from ecer.tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("export.xlsx", views.export, name="export"),
    path("<int:task_id>/", views.task_detail, name="detail"),
    path("<int:task_id>/report/", views.report, name="report"),
    path("<int:task_id>/score/", views.score, name="score"),
    path("evidence/<int:evidence_id>/", views.evidence, name="evidence"),
]
