from django.urls import path

from ecer.collection import views

app_name = "collection"
urlpatterns = [
    path("", views.todo, name="todo"),
    path("start/", views.start, name="start"),
    path("review/", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/save/", views.save, name="save"),
    path("<int:pk>/upload/", views.upload, name="upload"),
    path("<int:pk>/template.xlsx", views.template, name="template"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/revise/", views.revise, name="revise"),
    path("<int:pk>/history/", views.history, name="history"),
]
