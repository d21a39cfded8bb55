"""User accounts beyond Django's own: role groups and demo accounts (`roles`), the enterprise an
enterprise reporter is bound to, and API tokens for machine clients (`models`, `tokens`)."""
