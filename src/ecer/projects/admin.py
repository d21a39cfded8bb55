from django.contrib import admin

from ecer.projects.models import EvidenceFile, KeyProject, StatusChange


@admin.register(KeyProject)
class KeyProjectAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "programme_code", "region_code", "project_type", "status", "stable_operation_on")
    list_filter = ("programme_code", "project_type", "status", "is_illustrative")
    search_fields = ("code", "name", "owner_name", "owner_credit_code", "source_id")


@admin.register(StatusChange, EvidenceFile)
class RecordAdmin(admin.ModelAdmin):
    """Status history and evidence are a record: shown, never edited here."""

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: object) -> bool:
        return False
