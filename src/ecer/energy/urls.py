from django.urls import path

from ecer.energy import report_views, views

app_name = "energy"
urlpatterns = [
    path("units/", views.unit_list, name="units"),
    path("units/import/", views.import_register, name="import"),
    path("units/export.xlsx", views.export, name="export"),
    path("units/template.xlsx", views.template, name="template"),
    path("units/<str:credit_code>/", views.unit_detail, name="unit"),
    path("reports/", report_views.report_list, name="reports"),
    path("reports/start/", report_views.start, name="report_start"),
    path("reports/<int:pk>/", report_views.detail, name="report"),
    path("reports/<int:pk>/save/", report_views.save, name="report_save"),
    path("reports/<int:pk>/decide/", report_views.decide, name="report_decide"),
    path("reports/<int:pk>/revise/", report_views.revise, name="report_revise"),
    path("reports/<int:pk>/export.xlsx", report_views.export, name="report_export"),
    path("budgets/", views.budgets_page, name="budgets"),
    path("budgets/allocate/", views.budgets_allocate, name="budgets-allocate"),
    path("budgets/issued/", views.budgets_issued, name="budgets-issued"),
    path("budgets/template.xlsx", views.budgets_template, name="budgets-template"),
    path("budgets/export.xlsx", views.budgets_export, name="budgets-export"),
    path("budgets/inspection/", views.inspection_page, name="inspection"),
    path("reconciliation/", views.reconciliation_page, name="reconciliation"),
    path("reconciliation/run/", views.reconciliation_run, name="reconciliation-run"),
    path("reconciliation/export.xlsx", views.reconciliation_export, name="reconciliation-export"),
    path("reconciliation/cases/<int:case_id>/resolve/", views.reconciliation_resolve, name="reconciliation-resolve"),
]
