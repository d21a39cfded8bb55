from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ecer.monitoring import models


class DeviceForm(forms.ModelForm):  # type: ignore[type-arg]
    """The PW is write-only: it is hashed on save and never shown back."""

    new_pw = forms.CharField(label=_("set password PW"), required=False, strip=False,
                             widget=forms.PasswordInput(render_value=False),
                             help_text=_("stored as a salted hash; leave empty to keep the current one"))

    class Meta:
        model = models.Device
        fields = ["mn", "point", "edition", "crc_mode", "active"]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not self.instance.pk and not data.get("new_pw"):
            self.add_error("new_pw", _("a new logger needs a password"))
        return data

    def save(self, commit: bool = True) -> models.Device:
        device: models.Device = super().save(commit=False)
        if self.cleaned_data.get("new_pw"):
            device.set_pw(self.cleaned_data["new_pw"])
        if commit:
            device.save()
        return device


class PointInline(admin.TabularInline):
    model = models.MonitoringPoint
    extra = 0


class DeviceInline(admin.TabularInline):
    model = models.Device
    form = DeviceForm
    extra = 0


class LimitInline(admin.TabularInline):
    model = models.PermittedLimit  # PermittedLimit.clean refuses a unit that does not fit the factor
    extra = 0


class DeclaredUnitInline(admin.TabularInline):
    model = models.DeclaredUnit
    extra = 0


@admin.register(models.Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "region_code"]
    search_fields = ["name", "credit_code"]
    inlines = [PointInline]


@admin.register(models.MonitoringPoint)
class MonitoringPointAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "outlet_code", "outlet_name", "kind", "longitude", "latitude"]
    list_filter = ["kind"]
    inlines = [DeviceInline, LimitInline]


@admin.register(models.Device)
class DeviceAdmin(admin.ModelAdmin):
    form = DeviceForm
    list_display = ["mn", "point", "edition", "crc_mode", "active"]
    search_fields = ["mn"]
    inlines = [DeclaredUnitInline]


@admin.register(models.DeviceStatus)
class DeviceStatusAdmin(admin.ModelAdmin):
    list_display = ["device", "connected", "last_packet_at", "packets_accepted", "packets_rejected"]
    readonly_fields = [f.name for f in models.DeviceStatus._meta.fields]


@admin.register(models.QuarantinedDevice)
class QuarantinedDeviceAdmin(admin.ModelAdmin):
    list_display = ["mn", "reason", "first_seen", "last_seen", "packet_count", "last_peer"]
    search_fields = ["mn"]


@admin.register(models.SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "address", "mn", "count", "seconds", "detail"]
    list_filter = ["kind"]
    search_fields = ["address", "mn"]
    readonly_fields = [f.name for f in models.SecurityEvent._meta.fields]


@admin.register(models.RejectedTraffic)
class RejectedTrafficAdmin(admin.ModelAdmin):
    list_display = ["verdict", "address", "reason", "count", "bytes", "first_seen", "last_seen"]
    list_filter = ["verdict", "reason"]
    search_fields = ["address"]
    readonly_fields = [f.name for f in models.RejectedTraffic._meta.fields]
