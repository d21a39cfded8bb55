"""Moved to `ecer.accounts.roles` (roles, bindings and demo accounts); kept so older imports work."""

from ecer.accounts.roles import (  # noqa: F401
    DEMO_ACCOUNTS,
    ROLE_AUDITOR,
    ROLE_CITY_OPERATOR,
    ROLE_CITY_REVIEWER,
    ROLE_CITY_STAFF,
    ROLE_ENTERPRISE_REPORTER,
    ROLE_PROVINCE_ADMIN,
    ROLE_PROVINCE_REVIEWER,
    DemoAccount,
    bind_user,
    ensure_demo_accounts,
    ensure_roles,
)
