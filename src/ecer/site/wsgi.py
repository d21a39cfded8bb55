"""The WSGI application (gunicorn through `ecer serve`, the development server through `ecer demo`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecer.site.settings")
application = get_wsgi_application()

from ecer.site.logconfig import configure_web_logging  # noqa: E402 - after settings are loaded

configure_web_logging()
