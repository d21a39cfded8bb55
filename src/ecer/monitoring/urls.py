from django.urls import path

from ecer.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.point_list, name="points"),
    path("devices/<str:mn>/", views.device_detail, name="device"),
]
