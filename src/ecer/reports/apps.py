from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "ecer.reports"
    label = "reports"
    verbose_name = "Reports 报告"
