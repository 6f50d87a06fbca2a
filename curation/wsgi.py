"""The WSGI application that gunicorn serves."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "curation.settings")

from curation.startup import require_secret_key  # noqa: E402  (after the settings module is named)

require_secret_key()
application = get_wsgi_application()
