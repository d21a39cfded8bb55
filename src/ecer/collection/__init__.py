"""Data collection (数据填报): reporting periods, versioned submissions of a region's statistics, review
comments. Rules live in ecer.services.submissions; this app holds the models, pages and API."""
