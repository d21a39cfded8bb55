from django.urls import path

from ecer.energy import views

app_name = "energy"
urlpatterns = [
    path("units/", views.unit_list, name="units"),
    path("units/import/", views.import_register, name="import"),
    path("units/export.xlsx", views.export, name="export"),
    path("units/template.xlsx", views.template, name="template"),
    path("units/<str:credit_code>/", views.unit_detail, name="unit"),
]
