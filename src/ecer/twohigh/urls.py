from django.urls import path

from ecer.twohigh import views

app_name = "twohigh"
urlpatterns = [
    path("", views.register_page, name="register"),
    path("export.xlsx", views.export, name="export"),
    path("<str:code>/decision/", views.decide, name="decide"),
]
