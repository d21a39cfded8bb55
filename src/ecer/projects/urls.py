from django.urls import path

from ecer.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("import/", views.import_ledger, name="import"),
    path("export.xlsx", views.export, name="export"),
    path("template.xlsx", views.template, name="template"),
    path("<str:code>/", views.project_detail, name="detail"),
    path("<str:code>/evidence/", views.add_evidence, name="evidence"),
    path("<str:code>/evidence/<int:evidence_id>/", views.evidence_file, name="evidence_file"),
]
