from django.urls import path

from ecer.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.point_list, name="points"),
    path("devices/<str:mn>/", views.device_detail, name="device"),
    path("devices/<str:mn>/rollups/", views.point_rollups, name="rollups"),
    path("emissions/", views.emissions, name="emissions"),
    path("quality/", views.quality, name="quality"),
]
