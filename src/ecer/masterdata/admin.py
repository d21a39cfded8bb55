import dataclasses
from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.http import HttpRequest
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from ecer.masterdata import models as m


@admin.register(m.Region)
class RegionAdmin(TreeAdmin):
    form = movenodeform_factory(m.Region)
    list_display = ["code", "name_zh", "name_en", "level", "zone"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(m.Indicator, m.Variable, m.Department)
class CatalogAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en"]
    search_fields = ["code", "name_zh", "name_en"]


class TargetInline(admin.TabularInline):
    model = m.Target
    extra = 0
    fields = ["code", "name_zh", "value", "unit", "comparator", "kind", "clause"]


@admin.register(m.Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "document_number", "base_year", "target_year", "loaded_at"]
    inlines = [TargetInline]


@admin.register(m.Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ["region", "year", "variable", "value", "unit", "version", "status", "is_illustrative"]
    list_filter = ["status", "is_illustrative", "year", "variable"]
    search_fields = ["region__code", "region__name_zh", "variable__code"]
    # Values are append-only: the admin may review status but never edit a stored value.
    readonly_fields = ["region", "year", "variable", "value", "unit", "source", "note", "version",
                       "supersedes", "recorded_at", "recorded_by", "batch", "is_illustrative"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False  # facts are append-only: no version is ever removed, not by the admin either

    def has_change_permission(self, request: HttpRequest, obj: m.Observation | None = None) -> bool:
        # An approved version is final: a correction is a new version with a reason (the submissions
        # workflow). Only a version still under review may have its status moved here.
        if obj is not None and obj.status == m.ObservationStatus.APPROVED:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: m.Observation, form: Any, change: bool) -> None:
        from ecer.services.actor import actor_for_user
        from ecer.services.audit import record
        from ecer.site.clientip import client_ip

        before = m.Observation.objects.filter(pk=obj.pk).values("status").first()
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            actor = dataclasses.replace(actor_for_user(request.user), source=client_ip(request))
            record(actor, "observation.status.admin", "observation", str(obj.pk), before, {"status": obj.status})


@admin.register(m.ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["file_name", "row_count", "new_versions", "unchanged", "user", "created_at"]
    readonly_fields = [f.name for f in m.ImportBatch._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False  # a batch is the provenance of its observations

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


class UserAdminWithoutDelete(UserAdmin):
    """Accounts are deactivated, never deleted: observations and the audit log name who recorded them."""

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), UserAdminWithoutDelete)


admin.site.register(m.UserProfile)
