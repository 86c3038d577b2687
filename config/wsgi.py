import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Production pages need the collected static files: refuse to start without them, saying why.
from schoolbrug.core.static import require_collected_static  # noqa: E402  (needs settings loaded)

require_collected_static()
