from django.urls import path

from ecer.jobs import views

app_name = "jobs"
urlpatterns = [
    path("<str:job_id>/", views.job_page, name="job"),
    path("<str:job_id>/status/", views.job_status, name="status"),
    path("<str:job_id>/problems.csv", views.job_problems, name="problems"),
    path("<str:job_id>/file/", views.job_file, name="file"),
]
