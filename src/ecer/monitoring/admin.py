from django.contrib import admin

from ecer.monitoring import models


class PointInline(admin.TabularInline):
    model = models.MonitoringPoint
    extra = 0


class DeviceInline(admin.TabularInline):
    model = models.Device
    extra = 0


class LimitInline(admin.TabularInline):
    model = models.PermittedLimit
    extra = 0


@admin.register(models.Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "region_code"]
    search_fields = ["name", "credit_code"]
    inlines = [PointInline]


@admin.register(models.MonitoringPoint)
class MonitoringPointAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "outlet_code", "outlet_name", "kind"]
    list_filter = ["kind"]
    inlines = [DeviceInline, LimitInline]


@admin.register(models.Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["mn", "point", "edition", "crc_mode", "active"]
    search_fields = ["mn"]


@admin.register(models.DeviceStatus)
class DeviceStatusAdmin(admin.ModelAdmin):
    list_display = ["device", "connected", "last_packet_at", "packets_accepted", "packets_rejected"]
    readonly_fields = [f.name for f in models.DeviceStatus._meta.fields]


@admin.register(models.QuarantinedDevice)
class QuarantinedDeviceAdmin(admin.ModelAdmin):
    list_display = ["mn", "reason", "first_seen", "last_seen", "packet_count", "last_peer"]
    search_fields = ["mn"]
