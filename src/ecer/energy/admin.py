from django.contrib import admin

from ecer.energy.models import KeyEnergyUnit, RegisterChange


@admin.register(KeyEnergyUnit)
class KeyEnergyUnitAdmin(admin.ModelAdmin):
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
