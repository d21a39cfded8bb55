from django.contrib import admin
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


@admin.register(m.ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["file_name", "row_count", "new_versions", "unchanged", "user", "created_at"]
    readonly_fields = [f.name for f in m.ImportBatch._meta.fields]


admin.site.register(m.UserProfile)
