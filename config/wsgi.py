import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Refuse to start, saying why, rather than fail on every request (no collected static files in
# production; several processes without a shared cache): schoolbrug.core.checks.
from schoolbrug.core.checks import require_ready_to_serve  # noqa: E402  (needs the app registry)

require_ready_to_serve()
