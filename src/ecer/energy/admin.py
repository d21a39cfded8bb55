from django.contrib import admin

from ecer.energy.models import KeyEnergyUnit, MeteringPoint, MeterReset, RegisterChange, UploadToken


class MeteringPointInline(admin.TabularInline):
    model = MeteringPoint
    extra = 0
    fields = ("code", "name", "energy_type", "unit", "kind", "interval_minutes", "rollover_value",
              "enthalpy_gj_per_t", "active")
    show_change_link = True  # the point's page holds its declared resets


@admin.register(KeyEnergyUnit)
class KeyEnergyUnitAdmin(admin.ModelAdmin):
    inlines = [MeteringPointInline]
    list_display = ("enterprise", "industry_code", "level", "annual_energy_tce", "online_monitoring", "energy_budget")
    list_filter = ("level", "online_monitoring", "energy_budget")
    search_fields = ("enterprise__name", "enterprise__credit_code")


@admin.register(RegisterChange)
class RegisterChangeAdmin(admin.ModelAdmin):
    """The history is a record: shown, never edited."""

    list_display = ("enterprise", "field", "old_value", "new_value", "changed_at", "changed_by", "source")

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: object) -> bool:
        return False


class MeterResetInline(admin.TabularInline):
    model = MeterReset
    extra = 0


@admin.register(MeteringPoint)
class MeteringPointAdmin(admin.ModelAdmin):
    """Declared by the enterprise, kept here: `clean()` refuses a unit that does not fit the energy type,
    an interval that does not divide a day, steam by mass without its enthalpy."""

    list_display = ("energy_unit", "code", "name", "energy_type", "unit", "kind", "interval_minutes", "active")
    list_filter = ("energy_type", "kind", "active")
    search_fields = ("code", "name", "energy_unit__enterprise__name", "energy_unit__enterprise__credit_code")
    inlines = [MeterResetInline]


@admin.register(UploadToken)
class UploadTokenAdmin(admin.ModelAdmin):
    """Shown, never made here: a token is made with `ecer energy token create` (its text is shown once)."""

    list_display = ("enterprise", "name", "prefix", "created_at", "created_by", "last_used_at", "revoked_at")
    readonly_fields = ("enterprise", "name", "prefix", "digest", "created_at", "created_by", "last_used_at")

    def has_add_permission(self, request: object) -> bool:
        return False
