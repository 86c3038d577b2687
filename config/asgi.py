import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

# Refuse to start, saying why, rather than fail on every request (no collected static files in
# production; several processes without a shared cache): schoolbrug.core.checks.
from schoolbrug.core.checks import require_ready_to_serve  # noqa: E402  (needs the app registry)

require_ready_to_serve()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs the app registry loaded)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from schoolbrug.conversations.routing import websocket_urlpatterns as conversation_sockets  # noqa: E402

# WebSocket routes of the feature apps.
websocket_urlpatterns: list = [*conversation_sockets]

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
