from django.urls import path

from ecer.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("import/", views.import_ledger, name="import"),
    path("export.xlsx", views.export, name="export"),
    path("template.xlsx", views.template, name="template"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/<int:proposal_id>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:proposal_id>/file.xlsx", views.proposal_file, name="proposal_file"),
    path("proposals/<int:proposal_id>/submit/", views.proposal_submit, name="proposal_submit"),
    path("proposals/<int:proposal_id>/return/", views.proposal_return, name="proposal_return"),
    path("proposals/<int:proposal_id>/approve/", views.proposal_approve, name="proposal_approve"),
    path("cases/", views.case_list, name="cases"),
    path("cases/verify/", views.case_verify, name="verify"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/resolve/", views.case_resolve, name="case_resolve"),
    path("<str:code>/", views.project_detail, name="detail"),
    path("<str:code>/propose/", views.propose_edit, name="propose"),
    path("<str:code>/evidence/", views.add_evidence, name="evidence"),
    path("<str:code>/evidence/<int:evidence_id>/", views.evidence_file, name="evidence_file"),
]
