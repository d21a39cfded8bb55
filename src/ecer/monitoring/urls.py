from django.urls import path

from ecer.alarms import views as alarm_views
from ecer.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.point_list, name="points"),
    path("devices/<str:mn>/", views.device_detail, name="device"),
    path("devices/<str:mn>/rollups/", views.point_rollups, name="rollups"),
    path("emissions/", views.emissions, name="emissions"),
    path("quality/", views.quality, name="quality"),
    path("enterprises/<int:pk>/", views.enterprise_overview, name="enterprise"),
    path("cities/<str:code>/", views.city_overview, name="city"),
    path("alarms/", alarm_views.alarm_list, name="alarms"),
    path("alarms/<int:pk>/", alarm_views.alarm_detail, name="alarm"),
    path("alarms/<int:pk>/acknowledge/", alarm_views.acknowledge, name="alarm-acknowledge"),
    path("alarms/<int:pk>/close/", alarm_views.close, name="alarm-close"),
]
