"""Reference data loaded from the catalogs: regions, departments, indicators, variables, user regions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from treebeard.mp_tree import MP_Node

from ecer.masterdata.models.bilingual import BilingualNamed, pick


class RegionLevel(models.TextChoices):
    COUNTRY = "country", "国家"
    PROVINCE = "province", "省"
    CITY = "city", "市(州)"
    COUNTY = "county", "县(市、区)"


class Region(MP_Node):
    """An administrative region (GB/T 2260 code) in the tree (country →) province → city → county."""

    code = models.CharField(max_length=12, unique=True)
    name_zh = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100, blank=True, default="")
    level = models.CharField(max_length=10, choices=RegionLevel.choices)
    zone = models.CharField(max_length=40, blank=True, default="", help_text="economic zone code")
    source = models.CharField(max_length=300, blank=True, default="")

    # Children are inserted in catalog order, so the path order is the catalog's tree order.
    node_order_by: list[str] = []

    class Meta:
        ordering = ["path"]

    @property
    def name(self) -> str:
        return pick(self.name_zh, self.name_en)

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


class Department(BilingualNamed):
    """A government department that leads or co-leads targets and tasks (牵头/配合部门)."""

    code = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["code"]


class Indicator(BilingualNamed):
    """A target indicator (指标) as defined in the indicator catalog, with its formula and source."""

    code = models.CharField(max_length=80, unique=True)
    unit = models.CharField(max_length=40)
    definition_zh = models.TextField(blank=True, default="")
    definition_en = models.TextField(blank=True, default="")
    formula = models.CharField(max_length=300, blank=True, default="")
    source = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["code"]

    @property
    def definition(self) -> str:
        return pick(self.definition_zh, self.definition_en)


class Variable(BilingualNamed):
    """A statistical input variable (统计变量) observed per region and year."""

    code = models.CharField(max_length=80, unique=True)
    unit = models.CharField(max_length=40)
    kind = models.CharField(max_length=40, blank=True, default="")
    source = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["code"]


class UserProfile(models.Model):
    """Which region a user works for (a city's staff see and submit that city's data)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ecer_profile")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.SET_NULL)

    def __str__(self) -> str:
        return f"{self.user} @ {self.region.code if self.region else '-'}"
